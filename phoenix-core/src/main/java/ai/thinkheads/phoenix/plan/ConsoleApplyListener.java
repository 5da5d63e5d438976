package ai.thinkheads.phoenix.plan;

import java.io.PrintStream;
import java.util.Objects;

/** Prints one line per event, for scripts: {@code 00:01:02Z web01 (101): step done start}. */
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
        out.println(event.at() + " " + event);
    }
}
