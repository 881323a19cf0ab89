// The pure IRC message layer lives in LiaisonIRCProtocol (no SwiftNIO, so a fuzz target
// links only pure code); users of LiaisonIRC see it as before.
@_exported import LiaisonIRCProtocol
