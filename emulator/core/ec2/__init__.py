"""Amazon EC2: per-Region state and one subpackage per resource family.

images, storage (volumes, snapshots, encryption) and instances (room for network); the
modules at this root (region, filters, tags, tagging, resource ids, paging) serve them all.
Subpackages import each other and this root, and nothing of access, snapshots or world.
"""
