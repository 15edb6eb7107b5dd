"""EC2: its operations and its error catalogue, registered on import.

One module per resource family, as in core.ec2; the handlers read params (params.py)
and shape answers (shapes.py), and call one core operation each.
"""

from emulator.api.ec2 import (  # noqa: F401
    errors,
    image_attributes,
    images,
    instance_attributes,
    instances,
    launch_templates,
    snapshot_attributes,
    storage,
    tags,
)
