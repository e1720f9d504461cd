package org.farnode.app.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Creating, storing and reloading node identities in a data directory. */
class NodeIdentityTest {
    @TempDir
    Path dataDirectory;

    @Test
    void loadingAgainGivesTheSameIdentity() throws IOException {
        NodeIdentity created = NodeIdentity.loadOrCreate(dataDirectory);
        NodeIdentity loaded = NodeIdentity.loadOrCreate(dataDirectory);

        assertThat(loaded.nodeId()).isEqualTo(created.nodeId());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(created.privateKey().getEncoded());
        assertThat(loaded.certificate()).isEqualTo(created.certificate());
    }

    @Test
    void createsAMissingDataDirectory() throws IOException {
        Path nested = dataDirectory.resolve("not/yet/there");

        NodeIdentity identity = NodeIdentity.loadOrCreate(nested);

        assertThat(nested.resolve(IdentityFiles.PRIVATE_KEY_FILE_NAME)).isRegularFile();
        assertThat(nested.resolve(IdentityFiles.CERTIFICATE_FILE_NAME)).isRegularFile();
        assertThat(NodeIdentity.loadOrCreate(nested).nodeId()).isEqualTo(identity.nodeId());
    }

    @Test
    void thePrivateKeyFileIsReadableByItsOwnerOnly() throws IOException {
        assumeTrue(dataDirectory.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "the file system has no POSIX permissions");
        NodeIdentity.loadOrCreate(dataDirectory);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKeyFile()))).isEqualTo("rw-------");
    }

    @Test
    void theFilesArePemAndNoTemporaryFilesRemain() throws IOException {
        NodeIdentity.loadOrCreate(dataDirectory);

        assertThat(Files.readString(privateKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Files.readString(certificateFile())).startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n");
        try (Stream<Path> files = Files.list(dataDirectory)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder(IdentityFiles.PRIVATE_KEY_FILE_NAME, IdentityFiles.CERTIFICATE_FILE_NAME);
        }
    }

    @Test
    void theNodeIdIsTheSha256OfTheCertificatesPublicKey() throws Exception {
        NodeIdentity identity = NodeIdentity.ephemeral();
        byte[] subjectPublicKeyInfo = identity.certificate().getPublicKey().getEncoded();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo));

        assertThat(identity.nodeId()).isEqualTo(expected).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(NodeIdentity.fingerprint(identity.certificate().getPublicKey())).isEqualTo(expected);
        assertThat(NodeIds.isValid(identity.nodeId())).isTrue();
    }

    /** A certificate this package issued, and its key's digest as computed by {@code openssl} (see {@link NodeIdentity#fingerprint}). */
    private static final String CERTIFICATE_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIB1TCCAXugAwIBAgIQYCYGMesY4/i6pEPf0bm+yTAKBggqhkjOPQQDAjBLMUkw
            RwYDVQQDDEAzODAyZGM3YTY4MWIzOTMzOWJmNWQzMTA0OGQ1MTBjZTUwNWMyZTEw
            YWEzYjMwOGRiNzE2NjA3YzZjNWE4NWQ0MCAXDTI2MTEyNzAyNDkwMFoYDzIxMjYx
            MTI4MDI0OTAwWjBLMUkwRwYDVQQDDEAzODAyZGM3YTY4MWIzOTMzOWJmNWQzMTA0
            OGQ1MTBjZTUwNWMyZTEwYWEzYjMwOGRiNzE2NjA3YzZjNWE4NWQ0MFkwEwYHKoZI
            zj0CAQYIKoZIzj0DAQcDQgAEYNC1rk8ZZHD7CF/N7k4J20SdF7E6MoiFJsOUK9YC
            U3JyIhBjKzRi4GCva/0PpC5sLFR8AhLcZz9v6B88T50xtaM/MD0wDAYDVR0TAQH/
            BAIwADAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUF
            BwMCMAoGCCqGSM49BAMCA0gAMEUCIFLz+MAnk983pRgbdmczDE3Bd3fEN70KE8vG
            0m1l4M1dAiEArVGYs0P2HZaQ/GooIhrmoznEuSffh/kNjMIBrpJrWHM=
            -----END CERTIFICATE-----
            """;
    private static final String OPENSSL_KEY_DIGEST = "3802dc7a681b39339bf5d31048d510ce505c2e10aa3b308db716607c6c5a85d4";

    @Test
    void theFingerprintAgreesWithOpenSsl() throws Exception {
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(CERTIFICATE_PEM.getBytes(StandardCharsets.US_ASCII)));

        assertThat(NodeIdentity.fingerprint(certificate.getPublicKey())).isEqualTo(OPENSSL_KEY_DIGEST);
    }

    @Test
    void fingerprintsDifferBetweenIdentities() {
        assertThat(NodeIdentity.ephemeral().nodeId()).isNotEqualTo(NodeIdentity.ephemeral().nodeId());
    }

    @Test
    void theCertificateIsSelfSignedAndNamesTheNode() throws Exception {
        NodeIdentity identity = NodeIdentity.ephemeral();
        X500Principal expectedName = new X500Principal("CN=" + identity.nodeId());

        assertThat(identity.certificate().getSubjectX500Principal()).isEqualTo(expectedName);
        assertThat(identity.certificate().getIssuerX500Principal()).isEqualTo(expectedName);
        identity.certificate().verify(identity.certificate().getPublicKey());
        identity.certificate().checkValidity();
        assertThat(identity.certificate().getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(identity.toString()).contains(identity.nodeId()).doesNotContain("PRIVATE");
    }

    static Stream<Arguments> damagedFiles() {
        String keyFile = IdentityFiles.PRIVATE_KEY_FILE_NAME;
        String certificateFile = IdentityFiles.CERTIFICATE_FILE_NAME;
        return Stream.of(
                damaged(keyFile, "empty key file", "", "is empty"),
                damaged(keyFile, "binary key file", "\u0000\u00ff\u0001garbage", "holds no PEM block"),
                damaged(keyFile, "key file without END line", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n", "damaged PEM block"),
                damaged(keyFile, "key file with bad base64", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "damaged PEM block"),
                damaged(keyFile, "key file with the wrong block type",
                        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "holds a PEM EC PRIVATE KEY block; expected PRIVATE KEY"),
                damaged(keyFile, "key file with bytes that are no key",
                        "-----BEGIN PRIVATE KEY-----\nAAECAwQF\n-----END PRIVATE KEY-----\n", "does not hold a PKCS#8 EC (secp256r1) private key"),
                damaged(certificateFile, "certificate file with bytes that are no certificate",
                        "-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n", "does not hold a usable node certificate"));
    }

    private static Arguments damaged(String fileName, String description, String content, String problem) {
        return Arguments.of(Named.of(description, fileName), content, problem);
    }

    @ParameterizedTest
    @MethodSource("damagedFiles")
    void aDamagedFileIsReportedByNameAndLeftAsItIs(String fileName, String content, String problem) throws IOException {
        NodeIdentity.loadOrCreate(dataDirectory);
        Path damagedFile = dataDirectory.resolve(fileName);
        Files.write(damagedFile, content.getBytes(StandardCharsets.ISO_8859_1));
        byte[] keyBefore = Files.readAllBytes(privateKeyFile());
        byte[] certificateBefore = Files.readAllBytes(certificateFile());

        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dataDirectory))
                .isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(damagedFile.toString())
                .hasMessageContaining(problem);
        assertThat(privateKeyFile()).hasBinaryContent(keyBefore);
        assertThat(certificateFile()).hasBinaryContent(certificateBefore);
    }

    @Test
    void aKeyWithoutItsCertificateIsRefusedAndKept() throws IOException {
        NodeIdentity.loadOrCreate(dataDirectory);
        byte[] key = Files.readAllBytes(privateKeyFile());
        Files.delete(certificateFile());

        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dataDirectory))
                .isInstanceOf(IdentityFileException.class)
                .hasMessageContaining("is incomplete")
                .hasMessageContaining(privateKeyFile() + " exists but " + certificateFile() + " is missing");
        assertThat(privateKeyFile()).hasBinaryContent(key);
        assertThat(certificateFile()).doesNotExist();
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws IOException {
        NodeIdentity.loadOrCreate(dataDirectory);
        Files.delete(privateKeyFile());

        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dataDirectory))
                .isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(certificateFile() + " exists but " + privateKeyFile() + " is missing");
        assertThat(privateKeyFile()).doesNotExist();
    }

    @Test
    void aKeyFromAnotherNodeIsRejected(@TempDir Path otherDataDirectory) throws IOException {
        NodeIdentity identity = NodeIdentity.loadOrCreate(dataDirectory);
        NodeIdentity.loadOrCreate(otherDataDirectory);
        Files.copy(otherDataDirectory.resolve(IdentityFiles.PRIVATE_KEY_FILE_NAME), privateKeyFile(),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dataDirectory))
                .isInstanceOf(IdentityFileException.class)
                .hasMessageContaining("the private key in " + privateKeyFile() + " does not belong to the certificate in "
                        + certificateFile() + " (node " + identity.nodeId() + ")");
    }

    private Path privateKeyFile() {
        return dataDirectory.resolve(IdentityFiles.PRIVATE_KEY_FILE_NAME);
    }

    private Path certificateFile() {
        return dataDirectory.resolve(IdentityFiles.CERTIFICATE_FILE_NAME);
    }
}
