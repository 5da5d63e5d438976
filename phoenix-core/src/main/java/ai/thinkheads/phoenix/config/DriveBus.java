package ai.thinkheads.phoenix.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The disk buses of a QEMU VM and how many slots each has ({@code QemuServer/Drive.pm}:
 * {@code $MAX_IDE_DISKS = 4}, {@code $MAX_SATA_DISKS = 6}, {@code $MAX_SCSI_DISKS = 31},
 * {@code $MAX_VIRTIO_DISKS = 16}).
 */
public enum DriveBus {
    IDE(3), SATA(5), SCSI(30), VIRTIO(15);

    private final int maxIndex;

    DriveBus(int maxIndex) {
        this.maxIndex = maxIndex;
    }

    /** Highest slot index on this bus (inclusive). */
    public int maxIndex() {
        return maxIndex;
    }

    /** The config key prefix: {@code scsi}, {@code virtio}, ... */
    public String prefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The config key of slot {@code index}, e.g. {@code scsi0}; rejects an index outside the bus's range. */
    public String key(int index) {
        if (index < 0 || index > maxIndex) {
            throw new IllegalArgumentException(index + " is outside 0.." + maxIndex + " for " + prefix());
        }
        return prefix() + index;
    }

    /** Whether the bus's drive format has the {@code iothread} option (Drive.pm: scsi and virtio only). */
    public boolean supportsIothread() {
        return this == SCSI || this == VIRTIO;
    }

    /** Whether the bus's drive format has the {@code ssd} option (Drive.pm: all but virtio). */
    public boolean supportsSsd() {
        return this != VIRTIO;
    }

    /** The bus of a drive key such as {@code scsi0}, if it names a valid slot. */
    public static Optional<DriveBus> ofKey(String configKey) {
        for (DriveBus bus : values()) {
            String p = bus.prefix();
            if (configKey.startsWith(p)) {
                String digits = configKey.substring(p.length());
                if (digits.matches("0|[1-9]\\d{0,2}") && Integer.parseInt(digits) <= bus.maxIndex) {
                    return Optional.of(bus);
                }
            }
        }
        return Optional.empty();
    }
}
