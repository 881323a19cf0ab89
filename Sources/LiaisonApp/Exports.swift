// bot.conf parsing lives in LiaisonConfig (pure, fuzzed on its own); users of LiaisonApp
// see it as before.
@_exported import LiaisonConfig
