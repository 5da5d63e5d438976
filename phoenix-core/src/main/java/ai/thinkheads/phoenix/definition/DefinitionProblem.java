package ai.thinkheads.phoenix.definition;

import java.util.Objects;

/**
 * One thing wrong with a definition file: where (JSON path and line/column in the file) and what.
 *
 * <p>Paths are JSONPath-like: {@code $} is the document, {@code .key} a member,
 * {@code [n]} an array element, {@code ['odd key']} a member whose name is not a plain identifier —
 * e.g. {@code $.vms[1].network_config.ip}. A problem about a field that is missing points at the
 * object that should hold it.
 *
 * @param path JSON path of the offending (or missing) value
 * @param line 1-based line in the file
 * @param column 1-based column in the file
 * @param message what is wrong, starting with the offending value where there is one
 */
public record DefinitionProblem(String path, int line, int column, String message) {

    public DefinitionProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code $.vms[1].cores (line 30, column 22): 0 is less than 1}. */
    @Override
    public String toString() {
        return path + " (line " + line + ", column " + column + "): " + message;
    }
}
