package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;

/**
 * One file on a storage, as {@code GET /nodes/{node}/storage/{storage}/content} lists it.
 *
 * @param volid volume id, {@code local:snippets/user.yaml}
 * @param content its content type
 * @param format Proxmox's format word ({@link StorageContent#formatOf}): {@code iso} for ISO images,
 *     {@code snippet} for snippets, {@code qcow2}/{@code raw}/{@code vmdk}/{@code ova}
 *     for import images, {@code tgz}/{@code txz}/... for container templates
 * @param size bytes
 */
public record StorageVolume(String volid, StorageContent content, String format, long size) {

    public StorageVolume {
        Objects.requireNonNull(volid, "volid");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(format, "format");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    /** The storage part of the volume id: {@code local}. */
    public String storage() {
        return volid.substring(0, volid.indexOf(':'));
    }

    /** The file name: {@code user.yaml} for {@code local:snippets/user.yaml}. */
    public String filename() {
        return volid.substring(volid.lastIndexOf('/') + 1);
    }
}
