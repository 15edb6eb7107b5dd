"""Wire formats: parsing requests and writing answers, driven by botocore's service models.

It knows no AWS semantics: from api it takes only the registry, the error types and the
Regions; from core only the world, its errors and the dry-run commit.
"""
