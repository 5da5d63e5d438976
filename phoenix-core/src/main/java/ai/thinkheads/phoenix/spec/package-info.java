/**
 * What an operator declares about a VM. Start with {@link ai.thinkheads.phoenix.spec.VmSpec} and
 * its builder; components are {@link ai.thinkheads.phoenix.spec.Source},
 * {@link ai.thinkheads.phoenix.spec.Disk}, {@link ai.thinkheads.phoenix.spec.Nic},
 * {@link ai.thinkheads.phoenix.spec.CloudInit} and {@link ai.thinkheads.phoenix.spec.PciPassthrough}.
 * Bad values fail with {@link ai.thinkheads.phoenix.spec.InvalidValueException} (one field) or
 * {@link ai.thinkheads.phoenix.spec.InvalidSpecException} (all problems of a spec).
 * {@link ai.thinkheads.phoenix.spec.ProxmoxConfigMapping} turns a spec into the Proxmox config it
 * wants.
 */
package ai.thinkheads.phoenix.spec;
