/**
 * The wire vocabulary: {@link ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies} decodes each
 * JSON shape Proxmox VE answers with (the API's {@code data}, which {@code pvesh ... --output-format
 * json} prints as is) into the seam's values, in exactly one place for both backends.
 */
package ai.thinkheads.phoenix.hypervisor.wire;
