package org.farnode.app.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Objects;

/**
 * The two files that hold a node identity in its data directory:
 * <ul>
 *   <li>{@value #PRIVATE_KEY_FILE_NAME}: the private key, PKCS#8 PEM ({@code PRIVATE KEY}),
 *       readable by its owner only where the file system has POSIX permissions;</li>
 *   <li>{@value #CERTIFICATE_FILE_NAME}: the self-signed certificate, PEM ({@code CERTIFICATE}).</li>
 * </ul>
 * Both are plain PEM, so {@code openssl} can read them.
 */
final class IdentityFiles {
    static final String PRIVATE_KEY_FILE_NAME = "node-key.pem";
    static final String CERTIFICATE_FILE_NAME = "node-cert.pem";

    private static final String PRIVATE_KEY_PEM_TYPE = "PRIVATE KEY";
    private static final String CERTIFICATE_PEM_TYPE = "CERTIFICATE";

    private final Path directory;
    private final Path privateKeyFile;
    private final Path certificateFile;

    IdentityFiles(Path directory) {
        this.directory = Objects.requireNonNull(directory, "dataDirectory");
        this.privateKeyFile = directory.resolve(PRIVATE_KEY_FILE_NAME);
        this.certificateFile = directory.resolve(CERTIFICATE_FILE_NAME);
    }

    /** Loads the identity if both files exist, creates it if neither does, and refuses anything in between. */
    NodeIdentity loadOrCreate() throws IOException {
        Files.createDirectories(directory);
        boolean hasPrivateKey = Files.exists(privateKeyFile);
        boolean hasCertificate = Files.exists(certificateFile);
        if (hasPrivateKey && hasCertificate) {
            return load();
        }
        if (!hasPrivateKey && !hasCertificate) {
            NodeIdentity created = NodeIdentity.generate();
            save(created);
            return created;
        }
        throw incomplete(hasPrivateKey);
    }

    private NodeIdentity load() throws IOException {
        PrivateKey privateKey = readPrivateKey();
        X509Certificate certificate = readCertificate();
        requireKeyMatches(privateKey, certificate.getPublicKey());
        return new NodeIdentity(privateKey, certificate);
    }

    /**
     * The certificate goes first: a crash in between leaves a certificate without a key, which
     * holds nothing secret, rather than a key whose certificate would have to be rebuilt.
     */
    private void save(NodeIdentity identity) throws IOException {
        try {
            PemFiles.write(certificateFile, CERTIFICATE_PEM_TYPE, identity.certificate().getEncoded(), PemFiles.Access.WORLD_READABLE);
        } catch (CertificateException e) {
            throw new IllegalStateException("could not encode the certificate of node " + identity.nodeId(), e);
        }
        PemFiles.write(privateKeyFile, PRIVATE_KEY_PEM_TYPE, identity.privateKey().getEncoded(), PemFiles.Access.OWNER_ONLY);
    }

    private PrivateKey readPrivateKey() throws IOException {
        byte[] der = PemFiles.read(privateKeyFile, PRIVATE_KEY_PEM_TYPE);
        try {
            return KeyFactory.getInstance(NodeIdentity.KEY_ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new IdentityFileException(privateKeyFile + " does not hold a PKCS#8 " + NodeIdentity.KEY_ALGORITHM
                    + " (" + NodeIdentity.CURVE + ") private key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot read " + NodeIdentity.KEY_ALGORITHM + " private keys", e);
        }
    }

    private X509Certificate readCertificate() throws IOException {
        byte[] der = PemFiles.read(certificateFile, CERTIFICATE_PEM_TYPE);
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            NodeCertificates.requireSelfSigned(certificate);
            return certificate;
        } catch (CertificateException e) {
            throw new IdentityFileException(certificateFile + " does not hold a usable node certificate: " + e.getMessage(), e);
        }
    }

    private void requireKeyMatches(PrivateKey privateKey, PublicKey publicKey) {
        GeneralSecurityException failure = null;
        try {
            if (signsFor(privateKey, publicKey)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            failure = e;
        }
        throw new IdentityFileException("the private key in " + privateKeyFile + " does not belong to the certificate in "
                + certificateFile + " (node " + NodeIdentity.fingerprint(publicKey)
                + "); restore the matching pair of files, or remove both to start as a new node", failure);
    }

    /** Whether a signature made with {@code privateKey} verifies with {@code publicKey}. */
    private static boolean signsFor(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        byte[] message = "FAR node identity key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(NodeCertificates.SIGNATURE_ALGORITHM);
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(NodeCertificates.SIGNATURE_ALGORITHM);
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    private IdentityFileException incomplete(boolean hasPrivateKey) {
        Path present = hasPrivateKey ? privateKeyFile : certificateFile;
        Path missing = hasPrivateKey ? certificateFile : privateKeyFile;
        return new IdentityFileException("the node identity in " + directory + " is incomplete: " + present
                + " exists but " + missing + " is missing; restore " + missing.getFileName()
                + ", or remove " + present.getFileName() + " to start as a new node (with a new node id)");
    }
}
