/// Liaison's version: `liaison version`, the IRC CTCP VERSION reply, the package.
public enum LiaisonVersion {
    public static let string = "0.1.0"
}
