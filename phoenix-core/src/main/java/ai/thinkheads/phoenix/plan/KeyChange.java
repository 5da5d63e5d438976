package ai.thinkheads.phoenix.plan;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One config key a plan sets or deletes: its value before (null: absent) and after (null:
 * deleted), and how the change reaches the VM. {@link #toString()} and every rendering show
 * secrets ({@code cipassword}) as {@code <redacted>}.
 *
 * @param key the Proxmox option key ({@code memory}, {@code net0})
 * @param before the value the cluster holds, or null when absent
 * @param after the value to write, or null to delete the key
 * @param impact how the change takes effect
 */
public record KeyChange(String key, String before, String after, Impact impact) {

    private static final Set<String> SECRETS = Set.of("cipassword");

    public KeyChange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(impact, "impact");
        if (before == null && after == null) {
            throw new IllegalArgumentException(key + ": a change needs a value before or after");
        }
    }

    /** Whether this change deletes the key. */
    public boolean isDelete() {
        return after == null;
    }

    public Optional<String> beforeIfAny() {
        return Optional.ofNullable(before);
    }

    public Optional<String> afterIfAny() {
        return Optional.ofNullable(after);
    }

    /** {@code before} as shown to people: redacted for secrets. */
    public String shownBefore() {
        return shown(before);
    }

    /** {@code after} as shown to people: redacted for secrets. */
    public String shownAfter() {
        return shown(after);
    }

    private String shown(String value) {
        if (value == null) {
            return null;
        }
        return SECRETS.contains(key) ? "<redacted>" : value;
    }

    @Override
    public String toString() {
        return key + ": " + (before == null ? "(none)" : shownBefore()) + " → " + (after == null ? "(deleted)" : shownAfter())
                + " [" + impact.words() + "]";
    }
}
