"""AMIs: image records, the image operations, launch permissions and block public access.

This package holds the grants; whether an account may launch an image is decided by the
access decision, over these records.
"""
