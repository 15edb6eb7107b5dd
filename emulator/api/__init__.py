"""The AWS services on top of the core: one package per service, as core has one per domain.

Each package holds its operations (thin handlers: parsed params to one core call to the
answer) and its error catalogue. api holds no access rule and imports neither protocol nor
web.
"""
