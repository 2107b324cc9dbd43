"""The examples use the same emulator fixture as the protocol tests."""

from protocol.conftest import emulator

__all__ = ["emulator"]
