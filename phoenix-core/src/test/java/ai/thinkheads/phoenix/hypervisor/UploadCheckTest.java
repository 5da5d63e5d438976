package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link StorageContent#checkUpload}: the one copy of the checks every backend's upload makes first. */
class UploadCheckTest {

    /** A hypervisor that answers only {@code uploadableContent()}. */
    private static Hypervisor writing(Set<StorageContent> writable) {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("uploadableContent")) {
                        return writable;
                    }
                    throw new AssertionError("the check asks nothing else: " + method.getName());
                });
    }

    private static final byte[] DATA = {1, 2, 3};

    @Test
    void contentTheBackendCannotWriteIsUnsupportedAndNamed() {
        Hypervisor api = writing(EnumSet.of(StorageContent.ISO, StorageContent.IMPORT, StorageContent.VZTMPL));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> StorageContent.checkUpload(api, "pve1", "local", StorageContent.SNIPPETS, "u.yaml", DATA));
        assertTrue(e.getMessage().startsWith("uploading 'snippets' content is not supported by "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(it writes import, iso, vztmpl)"), e.getMessage());
    }

    @Test
    void aNameProxmoxWouldRefuseOrRenameIsRejectedForFilename() {
        Hypervisor all = writing(EnumSet.allOf(StorageContent.class));
        ParameterRejectedException spaces = assertThrows(ParameterRejectedException.class,
                () -> StorageContent.checkUpload(all, "pve1", "local", StorageContent.ISO, "my seed.iso", DATA));
        assertTrue(spaces.errors().get("filename").contains("would be stored as 'my_seed.iso'"), spaces.errors().toString());
        ParameterRejectedException ext = assertThrows(ParameterRejectedException.class,
                () -> StorageContent.checkUpload(all, "pve1", "local", StorageContent.ISO, "seed.txt", DATA));
        assertEquals("wrong file extension", ext.errors().get("filename"));
        StorageContent.checkUpload(all, "pve1", "local", StorageContent.SNIPPETS, "user.yaml", DATA);
    }

    @Test
    void theContentCheckComesBeforeTheNameAndMissingArgumentsBeforeBoth() {
        Hypervisor isoOnly = writing(EnumSet.of(StorageContent.ISO));
        assertThrows(UnsupportedOperationException.class,
                () -> StorageContent.checkUpload(isoOnly, "pve1", "local", StorageContent.SNIPPETS, "bad name", DATA));
        assertThrows(NullPointerException.class,
                () -> StorageContent.checkUpload(isoOnly, "pve1", "local", StorageContent.SNIPPETS, "u.yaml", null));
        assertThrows(NullPointerException.class,
                () -> StorageContent.checkUpload(isoOnly, null, "local", StorageContent.ISO, "a.iso", DATA));
    }
}
