"""Launch templates: versioned RunInstances parameters, per account and Region.

A template holds data, never access: launching from one asks images, as any launch does.
"""
