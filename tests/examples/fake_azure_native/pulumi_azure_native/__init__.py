"""A stand-in for the parts of pulumi-azure-native the composition example uses (tests only).

The real package drives a vendor plugin binary that cannot be installed here; these classes register resources
with the same type tokens, which the test's mocks answer with ARM ids, as the real provider would.
"""

from . import insights, keyvault, resources, storage

__all__ = ["insights", "keyvault", "resources", "storage"]
