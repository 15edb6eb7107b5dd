"""Organizations policies: their records, the attachment index, validation and inheritance.

The state lives in ``OrgStore`` (policies by id, attachments indexed both ways); the rest
is pure functions over parsed documents. Other domains read policies only through
``OrgTree.service_control_policies``, ``effective_policy`` and ``ec2_declarative``.
"""
