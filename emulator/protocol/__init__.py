"""Wire formats: parsing requests and writing answers, driven by botocore's service models."""
