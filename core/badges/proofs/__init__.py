"""Signatures and keys: Data Integrity proofs, verification keys, multibase and base64url."""
