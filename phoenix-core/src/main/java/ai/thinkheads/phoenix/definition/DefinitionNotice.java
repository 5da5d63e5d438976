package ai.thinkheads.phoenix.definition;

import java.util.Objects;

/**
 * Something a definition file said that a plan should show without refusing it: a warning (a member
 * the file's format does not define, e.g. a typo, with a suggestion; a declaration Phoenix carries
 * but does not act on, such as firewall rules), or the list of the file's members that Phoenix knows
 * and ignores. Readers attach a file's notices to each of its VMs, so a plan of {@code set.vms()}
 * still shows them; the planner shows each notice once per plan.
 *
 * @param kind a warning, or the ignored members of a file
 * @param source the file (or other source name) that was read
 * @param path JSON path of what the notice is about ({@code $} for the whole file)
 * @param line 1-based line in the file
 * @param message what is worth knowing
 */
public record DefinitionNotice(Kind kind, String source, String path, int line, String message) {

    /** What a notice is. */
    public enum Kind {
        /** Looks wrong, or is declared but not acted on: shown as a plan warning. */
        WARNING,
        /** Members Phoenix knows and does not act on: listed once in a plan, as ignored. */
        IGNORED
    }

    public DefinitionNotice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** A warning about the value at {@code path}. */
    public static DefinitionNotice warning(String source, String path, int line, String message) {
        return new DefinitionNotice(Kind.WARNING, source, path, line, message);
    }

    /** {@code phoenix_vm_configs.json: $.vms[1].memroy_mb (line 30): ...}, or for the ignored list {@code file: ...}. */
    @Override
    public String toString() {
        return kind == Kind.IGNORED ? source + ": " + message : source + ": " + path + " (line " + line + "): " + message;
    }
}
