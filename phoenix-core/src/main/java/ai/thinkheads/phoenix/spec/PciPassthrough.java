package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.HostPciConfig;
import ai.thinkheads.phoenix.config.PropertyStringException;

/**
 * A host PCI device passed through to the VM ({@code hostpci[n]}, qemu-server {@code PCI.pm}).
 *
 * <pre>{@code
 * PciPassthrough.host(0, "0000:01:00.0").withPcie(true).withXVga(true)
 * PciPassthrough.mapping(1, "gpu")
 * }</pre>
 *
 * @param index 0–15 ({@code $MAX_HOSTPCI_DEVICES = 16})
 * @param device the device and its options
 */
public record PciPassthrough(int index, HostPciConfig device) {

    public PciPassthrough {
        SpecChecks.range("pci.index", index, 0, 15);
        SpecChecks.notNull("pci[" + index + "].device", device);
    }

    /** Host device(s) by PCI id ({@code 0000:01:00.0}, {@code 01:00}, several joined by {@code ;}). */
    public static PciPassthrough host(int index, String pciId) {
        try {
            return new PciPassthrough(index, HostPciConfig.host(pciId));
        } catch (PropertyStringException e) {
            throw new InvalidValueException("pci[" + index + "].host", e.getMessage().replaceFirst("^host: ", ""));
        }
    }

    /** A cluster-wide resource mapping by id. */
    public static PciPassthrough mapping(int index, String mappingId) {
        try {
            return new PciPassthrough(index, HostPciConfig.mapping(mappingId));
        } catch (PropertyStringException e) {
            throw new InvalidValueException("pci[" + index + "].mapping", e.getMessage().replaceFirst("^mapping: ", ""));
        }
    }

    /** The config key, e.g. {@code hostpci0}. */
    public String key() {
        return "hostpci" + index;
    }

    public PciPassthrough withPcie(boolean value) {
        return new PciPassthrough(index, device.withPcie(value));
    }

    public PciPassthrough withXVga(boolean value) {
        return new PciPassthrough(index, device.withXVga(value));
    }

    public PciPassthrough withRombar(boolean value) {
        return new PciPassthrough(index, device.withRombar(value));
    }
}
