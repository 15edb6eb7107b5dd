"""EC2: its operations and its error catalogue, registered on import.

One module per resource family, as in core.ec2; the handlers read params (params.py)
and shape answers (shapes.py), and call one core operation each.
"""

from emulator.api.ec2 import (  # noqa: F401
    allowed_images,
    errors,
    image_attributes,
    image_lifecycle,
    images,
    instance_attributes,
    instances,
    key_pairs,
    launch_templates,
    network,
    regions_zones,
    security_groups,
    snapshot_attributes,
    storage,
    tags,
    usage_reports,
)
