public enum LiaisonCoreVersion { public static let string = "0.1.0" }
