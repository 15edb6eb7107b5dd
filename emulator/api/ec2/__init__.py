"""EC2 operations; importing the package registers them and the EC2 error catalogue."""

from emulator.api.ec2 import (  # noqa: F401
    errors,
    image_attributes,
    images,
    instances,
    snapshot_attributes,
    storage,
    tags,
)
