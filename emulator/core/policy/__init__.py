"""The IAM policy language: grammar, conditions and evaluation of policy documents.

It knows no AWS service: KMS key policies use it today, identity and service control
policies next. It imports only core's base modules.
"""
