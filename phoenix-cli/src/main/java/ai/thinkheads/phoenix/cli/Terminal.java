package ai.thinkheads.phoenix.cli;

import java.io.Console;
import java.util.Optional;

/**
 * Where the command asks a person something: the process's terminal ({@link System#console()}), or
 * nothing when there is none (a pipe, a CI job), in which case the command never waits for an answer.
 */
@FunctionalInterface
public interface Terminal {

    /** The line typed after {@code prompt}, or empty when there is no terminal to ask on. */
    Optional<String> ask(String prompt);

    /** Whether output goes to a terminal (colour is used only then). */
    default boolean interactive() {
        return false;
    }

    /** The process's own terminal, if it has one. */
    static Terminal system() {
        return new Terminal() {
            @Override
            public Optional<String> ask(String prompt) {
                Console console = System.console();
                return console == null ? Optional.empty() : Optional.ofNullable(console.readLine("%s", prompt));
            }

            @Override
            public boolean interactive() {
                return System.console() != null;
            }
        };
    }

    /** No terminal: nothing can be asked. */
    static Terminal none() {
        return prompt -> Optional.empty();
    }
}
