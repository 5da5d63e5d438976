/**
 * What an operator declares about a VM. Start with {@link ai.thinkheads.phoenix.spec.VmSpec} and
 * its builder; components are {@link ai.thinkheads.phoenix.spec.Source},
 * {@link ai.thinkheads.phoenix.spec.Disk}, {@link ai.thinkheads.phoenix.spec.Nic},
 * {@link ai.thinkheads.phoenix.spec.CloudInit} and {@link ai.thinkheads.phoenix.spec.PciPassthrough}.
 * A bad value of a component fails at once with
 * {@link ai.thinkheads.phoenix.spec.InvalidValueException} (one field); the spec's builder records
 * its bad values and {@code build()} throws {@link ai.thinkheads.phoenix.spec.InvalidSpecException}
 * with every problem of the spec.
 * {@link ai.thinkheads.phoenix.spec.ProxmoxConfigMapping} turns a spec into the Proxmox config it
 * wants.
 */
package ai.thinkheads.phoenix.spec;
