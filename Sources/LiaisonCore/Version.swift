/// Liaison's version: `liaison version`, the transports' version replies, the package.
public enum LiaisonVersion {
    public static let string = "0.1.0"
}
