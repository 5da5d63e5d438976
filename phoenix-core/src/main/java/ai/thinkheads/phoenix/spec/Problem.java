package ai.thinkheads.phoenix.spec;

import java.util.Objects;

/**
 * One thing wrong with a {@link VmSpec}: where ({@code nics[1].vlan}, {@code disks[scsi0].size},
 * {@code cloudInit.ipconfig[2]}) and what ({@code 5000 is outside 1..4094}).
 *
 * @param path the field, with list elements named by their slot ({@code nics[1]} is {@code net1})
 * @param message what is wrong, starting with the offending value where there is one
 */
public record Problem(String path, String message) {

    public Problem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}. */
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
