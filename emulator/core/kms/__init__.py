"""AWS KMS: keys, aliases and their key policies, with Limit / Marker paging.

It knows no EC2: EC2 asks it whether an account may use a key. Key policies are evaluated
with core.policy; it imports nothing above it.
"""
