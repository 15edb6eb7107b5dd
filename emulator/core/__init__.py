"""The pure domain: organizations, images, grants, the access rule. Standard library only."""
