package ai.thinkheads.phoenix.config;

/** A property string that does not parse or cannot be printed; the message is pve-common's. */
public class PropertyStringException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PropertyStringException(String message) {
        super(message);
    }
}
