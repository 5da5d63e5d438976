package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import ai.thinkheads.phoenix.hypervisor.ProxmoxErrorText;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place where a Proxmox error reply becomes a {@link HypervisorException}.
 *
 * <p>The wire shapes (pve-http-server {@code PVE::APIServer::AnyEvent} and {@code
 * Formatter/Standard.pm}): the HTTP status line's reason phrase is the first line of the die
 * message; the body is {@code {"data":null}}, plus {@code "errors":{param: msg}} for HTTP 400
 * {@code Parameter verification failed.} ({@code PVE::Exception::raise_param_exc}), plus
 * {@code "message"} with the full text from libpve-http-server-perl 5.2.0 (PVE 8.3) on.
 *
 * <p>Mapping, by status: 400 with an {@code errors} map → {@link ParameterRejectedException};
 * 401 → {@link AuthenticationException}; 403 → {@link PermissionDeniedException}; 595–599 (the
 * AnyEvent::HTTP pseudo-statuses pveproxy uses when it cannot reach the target node) →
 * {@link TransportException}; anything else is classified by its text (the die messages of
 * qemu-server's {@code PVE::API2::Qemu}, pve-guest-common's {@code PVE::AbstractConfig} and
 * pve-common's {@code PVE::Tools}), first match wins:
 * <ol>
 *   <li>{@code detected modified configuration} (pve-common assert_if_modified) or {@code checksum
 *       mismatch (file change by other user?)} (qemu-server update_vm) → {@link ConfigModifiedException}</li>
 *   <li>{@code can't lock file}, {@code is locked} → {@link LockedException} (with the lock name
 *       of {@code VM is locked (clone)})</li>
 *   <li>{@code already exists} → {@link AlreadyExistsException}</li>
 *   <li>{@code does not exist}, {@code no such VM/snapshot/task/node/storage}, {@code hostname
 *       lookup '...' failed} → {@link NotFoundException}</li>
 *   <li>{@code is running}, {@code not running}, {@code is a template}, {@code it's a template},
 *       {@code shrinking disks is not supported}, {@code guest agent} → {@link WrongStateException}</li>
 *   <li>otherwise a plain {@link HypervisorException}.</li>
 * </ol>
 */
final class PveErrors {


    private PveErrors() {
    }

    /**
     * The exception for an error reply.
     *
     * @param status the HTTP status code
     * @param reason the status line's reason phrase (may be empty)
     * @param body the parsed JSON body, or null when there was none or it was not JSON
     * @param node the node the request concerned, or null
     * @param vmid the VM it concerned, or null
     */
    static HypervisorException toException(int status, String reason, JsonNode body, String node, Integer vmid) {
        String message = message(status, reason, body);
        if (status == 400 && body != null && body.path("errors").isObject() && body.path("errors").size() > 0) {
            Map<String, String> errors = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = body.get("errors").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                errors.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText().strip() : e.getValue().toString());
            }
            return new ParameterRejectedException(node, vmid, errors);
        }
        if (status == 401) {
            return new AuthenticationException(message);
        }
        if (status == 403) {
            return new PermissionDeniedException(message, node, vmid);
        }
        if (status >= 595 && status <= 599) {
            // 595: pveproxy could not connect to the target node, so nothing reached it.
            return new TransportException("HTTP " + status + " from pveproxy: " + message, node, vmid, status != 595, null);
        }
        return classify(message, node, vmid);
    }

    /** Classifies a Proxmox error text (also used for agent and task texts): {@link ProxmoxErrorText}, else generic. */
    static HypervisorException classify(String message, String node, Integer vmid) {
        return ProxmoxErrorText.classify(message, node, vmid).orElseGet(() -> new HypervisorException(message, node, vmid));
    }

    /** The body's {@code message} (PVE 8.3+), else the reason phrase, else the bare status. */
    static String message(int status, String reason, JsonNode body) {
        if (body != null) {
            JsonNode m = body.get("message");
            if (m != null && m.isTextual() && !m.asText().isBlank()) {
                return m.asText().strip();
            }
        }
        if (reason != null && !reason.isBlank()) {
            return reason.strip();
        }
        return "HTTP " + status;
    }
}
