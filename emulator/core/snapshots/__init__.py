"""The world as a document: the snapshot form, its checks and the redaction of secrets.

It reads every domain's records and holds no AWS rule; in core, only the world and the
scenario import it.
"""
