"""A throwaway self-signed TLS certificate for a loopback test server (127.0.0.1), trusted by nobody unless a test
points a client at the certificate file it writes."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path


def self_signed_context(directory: Path, *, prefix: str = "", as_authority: bool = False) -> ssl.SSLContext:
    """A server context with a fresh certificate for 127.0.0.1, written to ``<prefix>certificate.pem`` in
    ``directory`` (``as_authority``: marked a CA, so a client can trust the file as its CA bundle)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
    )
    if as_authority:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    certificate = builder.sign(key, hashes.SHA256())
    directory.mkdir(parents=True, exist_ok=True)
    certificate_path = directory / f"{prefix}certificate.pem"
    key_path = directory / f"{prefix}key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate_path, key_path)
    return context
