/**
 * The Proxmox VE HTTP API backend: {@link ai.thinkheads.phoenix.backend.api.ProxmoxApi}, a
 * {@link ai.thinkheads.phoenix.hypervisor.Hypervisor} over {@code /api2/json}, with its
 * {@link ai.thinkheads.phoenix.backend.api.Credentials} (API token or ticket login),
 * {@link ai.thinkheads.phoenix.backend.api.TlsTrust} (system trust store, cluster CA, pinned
 * fingerprint) and {@link ai.thinkheads.phoenix.backend.api.Secret}. Start with {@code ProxmoxApi}'s
 * class comment.
 */
package ai.thinkheads.phoenix.backend.api;
