package ai.thinkheads.phoenix.plan;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Prints one line per event, for people and scripts, with how long each step took instead of
 * timestamps: {@code web01 (101): step done start (2.1 s)}; during a long wait
 * {@code docker-01 (9101): still waiting for the guest agent on docker-01 (40 s)}.
 */
public final class ConsoleApplyListener implements ApplyListener {

    private final PrintStream out;

    public ConsoleApplyListener(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Prints to standard output. */
    public static ConsoleApplyListener stdout() {
        return new ConsoleApplyListener(System.out);
    }

    @Override
    public synchronized void onEvent(ApplyEvent event) {
        out.println(event);
    }
}
