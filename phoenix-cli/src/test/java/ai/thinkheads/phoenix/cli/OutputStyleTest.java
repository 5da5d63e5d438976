package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputStyleTest {

    private static final String PLAN = "+ create web (vmid 100 on pve)  [live]\n    ~ cores: 2 → 4  [live]\n"
            + "- delete old (vmid 101 on pve)  [destructive]\nPlan: 1 to create, 0 to update, 0 to replace, 1 to delete, 0 refused.\n";

    private static final Terminal TTY = new Terminal() {
        @Override
        public Optional<String> ask(String prompt) {
            return Optional.empty();
        }

        @Override
        public boolean interactive() {
            return true;
        }
    };

    @Test
    void onATerminalEachChangeLineIsColouredBySign() {
        String shown = OutputStyle.of(new CliContext(Map.of(), TTY), false).plan(PLAN);
        assertEquals("\u001B[32m+ create web (vmid 100 on pve)  [live]\u001B[0m\n"
                + "\u001B[33m    ~ cores: 2 → 4  [live]\u001B[0m\n"
                + "\u001B[31m- delete old (vmid 101 on pve)  [destructive]\u001B[0m\n"
                + "Plan: 1 to create, 0 to update, 0 to replace, 1 to delete, 0 refused.\n", shown);
    }

    @Test
    void noColourWithNoColorWithNO_COLOROrWithoutATerminal() {
        assertEquals(PLAN, OutputStyle.of(new CliContext(Map.of(), TTY), true).plan(PLAN));
        assertEquals(PLAN, OutputStyle.of(new CliContext(Map.of("NO_COLOR", "1"), TTY), false).plan(PLAN));
        assertEquals(PLAN, OutputStyle.of(new CliContext(Map.of(), Terminal.none()), false).plan(PLAN));
        assertFalse(OutputStyle.of(new CliContext(Map.of(), Terminal.none()), false).colour());
    }
}
