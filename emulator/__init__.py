"""ami-emulator: a local AWS emulator for AMI sharing with AWS Organizations.

Layers, lowest first: core (the domain, pure), api (one package per AWS service), protocol
(the wire formats) and web (the HTTP edge); docs/architecture.md draws the map.
"""

__version__ = "0.1.0"
