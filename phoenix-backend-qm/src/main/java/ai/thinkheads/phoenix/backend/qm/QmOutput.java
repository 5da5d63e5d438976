package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.Upid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text formats only {@code qm} and {@code pvesh} print. Pure functions over strings;
 * output that does not have the expected shape raises {@link UnexpectedOutputException} naming the
 * command, never a {@code NullPointerException}.
 *
 * <p>Formats (qm-reference.md; qemu-server {@code PVE/CLI/qm.pm}):
 * <ul>
 *   <li>{@code qm list}: a fixed-width table, or nothing at all when there are no VMs;</li>
 *   <li>{@code qm config}: sorted {@code key: value} lines, {@code description} %-encoded;</li>
 *   <li>the UPID {@code pvesh} prints after a worker it ran in the foreground.</li>
 * </ul>
 * JSON is not read here: {@code pvesh get ... --output-format json} and {@code qm guest
 * cmd|exec|exec-status} print the API handler's return value (no {@code {"data":...}} envelope),
 * which {@link ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies} decodes for both backends.
 */
final class QmOutput {

    // printf "%10s %-20s %-10s %-10s %12.2f %-10s\n" (qm.pm list); the name may contain a space ("VM 100")
    private static final Pattern LIST_ROW = Pattern.compile(
            "^\\s*(\\d+) (.*?)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");

    private QmOutput() {
    }

    /** {@code qm list}: no output means no VMs. */
    static List<LocalVm> qmList(String stdout) {
        List<LocalVm> vms = new ArrayList<>();
        for (String line : CommandResult.lines(stdout)) {
            if (line.isBlank() || line.strip().startsWith("VMID ")) {
                continue;
            }
            Matcher m = LIST_ROW.matcher(line);
            if (!m.matches()) {
                throw new UnexpectedOutputException("qm list", "unexpected row: " + line);
            }
            try {
                vms.add(new LocalVm(Integer.parseInt(m.group(1)), m.group(2).strip(), m.group(3),
                        Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6))));
            } catch (NumberFormatException e) {
                throw new UnexpectedOutputException("qm list", "unexpected row: " + line);
            }
        }
        return List.copyOf(vms);
    }

    /**
     * {@code qm config <vmid>}: key → value, with {@code description} decoded (qm prints it through
     * {@code PVE::Tools::encode_text}, which %-encodes bytes of the UTF-8 text).
     */
    static Map<String, String> qmConfig(String stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : CommandResult.lines(stdout)) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new UnexpectedOutputException("qm config", "not a 'key: value' line: " + line);
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            if (key.equals("description")) {
                value = new String(QmValidation.urlDecode("description", value), StandardCharsets.UTF_8);
            }
            values.put(key, value);
        }
        return values;
    }

    /** The UPID {@code pvesh} prints last after running a task in the foreground. */
    static Upid lastUpid(String stdout, String what) {
        String[] lines = stdout.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        try {
            return Upid.parse(last);
        } catch (IllegalArgumentException e) {
            throw new UnexpectedOutputException(what, "no task id (UPID) at the end of the output");
        }
    }

}
