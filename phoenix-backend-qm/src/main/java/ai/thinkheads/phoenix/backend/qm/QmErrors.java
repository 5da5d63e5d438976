package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import ai.thinkheads.phoenix.hypervisor.ProxmoxErrorText;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where a failed {@code qm}/{@code pvesh} command's error output becomes the seam's
 * exception, matching what the API backend raises for the same Proxmox error. The error text is
 * the {@code die} message Proxmox prints on stderr (see {@code qm-reference.md}, "General
 * mechanics"); classification is by its words, in this order:
 * <ol>
 *   <li>{@code 400 Parameter verification failed.} then {@code <param>: <msg>} lines
 *       (pve-common {@code PVE::Exception::stringify}) → {@link ParameterRejectedException};</li>
 *   <li>{@code detected modified configuration} ({@code PVE::Tools::assert_if_modified}) or
 *       {@code checksum mismatch (file change by other user?)} (qemu-server {@code API2/Qemu.pm} update_vm) →
 *       {@link ConfigModifiedException};</li>
 *   <li>{@code can't lock file} / {@code is locked (<lock>)} → {@link LockedException};</li>
 *   <li>{@code already exists} → {@link AlreadyExistsException};</li>
 *   <li>{@code does not exist}, {@code no such VM/cluster node/task}, {@code could not find},
 *       {@code unable to open file} (an unknown task's log/status) → {@link NotFoundException};</li>
 *   <li>{@code is running}, {@code not running}, {@code is/it's/not a template}, {@code shrinking disks is not
 *       supported}, {@code guest agent} not running/configured → {@link WrongStateException};</li>
 *   <li>{@code Permission check failed} / a {@code 403} status, and {@code sudo} refusing →
 *       {@link PermissionDeniedException}; a {@code 401} → {@link AuthenticationException}.</li>
 * </ol>
 * Anything else is not classified; the caller then reports a failed task or a
 * {@link QmCommandFailedException}.
 *
 * <p>Noise that is not an error is dropped first: {@code trying to acquire lock...} /
 * {@code OK} lines (printed to stderr while waiting for a lock, even on success) and
 * {@code Task finished with N warning(s)!}.
 */
final class QmErrors {

    private static final Pattern NOISE = Pattern.compile(
            "^\\s*(trying to acquire (cfs )?lock\\.\\.\\.(\\s*OK)?|OK|Task finished with \\d+ warning\\(s\\)!)?\\s*$");
    private static final Pattern LOCK_PREFIX = Pattern.compile("^\\s*trying to acquire (cfs )?lock\\.\\.\\.(\\s*OK\\b)?\\s*(?=\\S)");
    private static final Pattern WARNINGS = Pattern.compile("Task finished with (\\d+) warning\\(s\\)!");
    private static final Pattern PARAM_HEADER = Pattern.compile("^(\\d{3} )?Parameter verification failed\\.?\\s*$");
    private static final Pattern PARAM_LINE = Pattern.compile("^([A-Za-z0-9_.\\-\\[\\]]+): (.*)$");
    private static final Pattern STATUS_PREFIX = Pattern.compile("^(\\d{3}) ");

    private QmErrors() {
    }

    /** stderr without the noise lines, each line stripped of trailing blanks. */
    public static List<String> meaningfulLines(String stderr) {
        List<String> out = new ArrayList<>();
        for (String line : CommandResult.lines(stderr)) {
            // lock_file_full prints "trying to acquire lock..." without a newline, so a timeout's
            // die message ends up on the same line: keep the message, drop the prefix
            line = LOCK_PREFIX.matcher(line).replaceFirst("");
            if (!NOISE.matcher(line).matches()) {
                out.add(line.stripTrailing());
            }
        }
        return out;
    }

    /** True when stderr says anything beyond the noise: for commands that exit 0 on failure. */
    public static boolean reportsError(String stderr) {
        List<String> lines = meaningfulLines(stderr);
        return lines.stream().anyMatch(l -> !l.startsWith("WARN"));
    }

    /** The {@code N} of {@code Task finished with N warning(s)!}, or 0. */
    public static int warnings(String stderr) {
        Matcher m = WARNINGS.matcher(stderr);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The error text: the meaningful lines joined by newlines. */
    public static String errorText(String stderr) {
        return String.join("\n", meaningfulLines(stderr)).strip();
    }

    /** The seam's exception for this error output, if it is one Proxmox has a specific word for. */
    public static Optional<HypervisorException> classify(String stderr, String node, Integer vmid) {
        List<String> lines = meaningfulLines(stderr);
        String text = String.join("\n", lines).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < lines.size(); i++) {
            if (PARAM_HEADER.matcher(lines.get(i).strip()).matches()) {
                Map<String, String> errors = new LinkedHashMap<>();
                for (int j = i + 1; j < lines.size(); j++) {
                    Matcher m = PARAM_LINE.matcher(lines.get(j).strip());
                    if (m.matches()) {
                        errors.putIfAbsent(m.group(1), m.group(2));
                    }
                }
                if (errors.isEmpty()) {
                    errors.put("(unknown)", text);
                }
                return Optional.of(new ParameterRejectedException(node, vmid, errors));
            }
        }
        String message = STATUS_PREFIX.matcher(text).replaceFirst("");
        String status = statusCode(text);
        Optional<HypervisorException> known = ProxmoxErrorText.classify(message, node, vmid);
        if (known.isPresent()) {
            return known;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if ("403".equals(status) || lower.contains("permission check failed")
                || lower.startsWith("sudo:")) {
            return Optional.of(new PermissionDeniedException(message, node, vmid));
        }
        if ("401".equals(status)) {
            return Optional.of(new AuthenticationException(message));
        }
        return Optional.empty();
    }

    /**
     * The exception for a failed non-task command: {@link #classify} or else a
     * {@link QmCommandFailedException} with the error text.
     */
    public static HypervisorException toException(CommandResult result, String what, String node, Integer vmid) {
        return classify(result.stderr(), node, vmid).orElseGet(() -> {
            String text = errorText(result.stderr());
            return new QmCommandFailedException(what + " failed (exit " + result.exitCode() + ")"
                    + (text.isEmpty() ? "" : ": " + text), node, vmid, result.exitCode());
        });
    }

    private static String statusCode(String text) {
        Matcher m = STATUS_PREFIX.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
