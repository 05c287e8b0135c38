#Requires -Version 7.4

# -Session: a batch spread over real PowerShell remoting sessions, over SSH on the loopback (tests/SshNode.ps1):
# the same bytes as a local run, input order, ComputerName, the preflight, a node killed mid-batch, -TransferFiles.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'SshNode.ps1')
    # Without sshd the tests are skipped on a developer's machine; CI installs it, so there they must run.
    $SkipRemote = $SkipModelTests -or (-not (Get-SshdPath) -and -not $env:CI)
    $RemoteSkipNote = if ($SkipModelTests) { $ModelSkipNote } elseif ($SkipRemote) { ' (skipped: sshd is not installed; apt-get install openssh-server)' } else { '' }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'SshNode.ps1')
    $TestRun = Initialize-RmbgTestRun
}

AfterAll {
    Restore-RmbgTestRun $TestRun
}

Describe "Remove-ImageBackground and Get-ImageMask over -Session$RemoteSkipNote" -Skip:$SkipRemote {
    BeforeAll {
        Initialize-TestAsset
        $Sshd = Start-TestSshd -Folder (New-TestFolder 'sshd') -ModuleFolder (Split-Path (Split-Path $ManifestPath)) -NodeStore (New-TestFolder 'node-store')
        $Nodes = @(New-TestNodeSession $Sshd; New-TestNodeSession $Sshd)

        # 13 photos: the test photos, and some of them again under other names.
        $Folder = New-TestFolder 'thirteen'
        $photos = @(Get-ChildItem -LiteralPath $PhotoDir -File | Where-Object Extension -In '.png', '.jpg' | Sort-Object Name)
        for ($i = 0; $i -lt 13; $i++) {
            $photo = $photos[$i % $photos.Count].Name
            $null = Copy-Photo $photo $Folder ($(if ($i -lt $photos.Count) { $photo } else { "again-$i-$photo" }))
        }
        $Inputs = @(Get-ChildItem -LiteralPath $Folder -File | Sort-Object Name)
        $LocalOut = Join-Path (New-TestFolder 'local') 'out'
        $Local = @($Inputs | Remove-ImageBackground -OutputPath $LocalOut)

        function Assert-SameAsLocal([string] $Out) {
            foreach ($result in $Local) {
                $remote = Join-Path $Out $result.Name
                Test-Path -LiteralPath $remote | Should -BeTrue -Because "'$($result.Name)' should be written"
                (Get-FileHash -LiteralPath $remote).Hash | Should -Be (Get-FileHash -LiteralPath $result.OutputPath).Hash -Because "'$($result.Name)' should be byte-identical to the local run"
            }
            @(Get-ChildItem -LiteralPath $Out -Force -File).Count | Should -Be $Local.Count -Because 'one file per input, and no temporary file'
        }
    }

    AfterAll {
        Stop-TestSshd $Sshd
    }

    It 'gives 13 photos byte-identical outputs to a local run, in input order, each naming its node' {
        $out = Join-Path (New-TestFolder 'spread') 'out'

        $results = @($Inputs | Remove-ImageBackground -OutputPath $out -Session $Nodes)

        $results.Count | Should -Be 13
        $results.InputPath | Should -Be $Inputs.FullName
        $results | ForEach-Object { $_ | Should -BeOfType ([RmbgPS.RemovalResult]) }
        $results.ComputerName | Sort-Object -Unique | Should -Be '127.0.0.1'
        $results[0].ProcessingTime | Should -BeOfType ([timespan])
        $results.OutputPath | Should -Be $Local.OutputPath.Replace($LocalOut, $out)
        $results.ForegroundRatio | Should -Be $Local.ForegroundRatio
        Assert-SameAsLocal $out
    }

    It 'sends the bytes over the session with -TransferFiles, and writes the same files here' {
        $out = Join-Path (New-TestFolder 'transfer') 'out'

        $results = @($Inputs | Remove-ImageBackground -OutputPath $out -Session $Nodes -TransferFiles -Verbose 4>&1)

        $verbose = @($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Message | Where-Object { $_ -like '*bytes sent over the session*' } | Should -Not -BeNullOrEmpty
        $images = @($results | Where-Object { $_ -is [RmbgPS.RemovalResult] })
        $images.InputPath | Should -Be $Inputs.FullName
        Assert-SameAsLocal $out
    }

    It 'returns masks as local ImageMask objects with the same pixels' {
        $few = $Inputs | Select-Object -First 3
        $local = @($few | Get-ImageMask)

        $remote = @($few | Get-ImageMask -Session $Nodes)

        $remote.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $remote[$i] | Should -BeOfType ([RmbgPS.ImageMask])
            $remote[$i].Path | Should -Be $few[$i].FullName
            $remote[$i].ComputerName | Should -Be '127.0.0.1'
            [Convert]::ToBase64String($remote[$i].GetAlphaBytes()) | Should -Be ([Convert]::ToBase64String($local[$i].GetAlphaBytes()))
        }
    }

    It 'writes masks where a local run does, a tree kept with -RelativeBasePath' {
        $tree = New-TestFolder 'mask-tree'
        $null = Copy-Photo 'chelsea.png' $tree
        $null = Copy-Photo 'coffee.png' (New-Item -ItemType Directory (Join-Path $tree 'sub')).FullName 'chelsea.png'
        $localOut = Join-Path (New-TestFolder 'mask-local') 'masks'
        $remoteOut = Join-Path (New-TestFolder 'mask-remote') 'masks'
        $null = Get-ChildItem $tree -Recurse -File | Get-ImageMask -OutputPath $localOut -RelativeBasePath $tree

        $remote = @(Get-ChildItem $tree -Recurse -File | Get-ImageMask -OutputPath $remoteOut -RelativeBasePath $tree -Session $Nodes)

        $remote.MaskPath | Sort-Object | Should -Be @((Join-Path $remoteOut 'chelsea.mask.png'), (Join-Path $remoteOut 'sub' 'chelsea.mask.png') | Sort-Object)
        foreach ($relative in 'chelsea.mask.png', (Join-Path 'sub' 'chelsea.mask.png')) {
            (Get-FileHash -LiteralPath (Join-Path $remoteOut $relative)).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $localOut $relative)).Hash
        }
        @(Get-ChildItem -LiteralPath $remoteOut -Recurse -File -Force).Count | Should -Be 2 -Because 'two masks and no temporary file'
    }

    It 'keeps a per-file error''s ErrorId, category and input as target' {
        $dir = New-TestFolder 'bad-input'
        $bad = New-TextFileNamedPng (Join-Path $dir 'notes.png')
        $good = Copy-Photo 'chelsea.png' $dir

        $results = @(Get-ChildItem -LiteralPath $dir -File | Remove-ImageBackground -OutputPath (Join-Path $dir 'out') -Session $Nodes -ErrorVariable failed -ErrorAction SilentlyContinue)

        $results.InputPath | Should -Be $good
        Assert-OnlyError $failed 'NotAnImage'
        Assert-ErrorRecord $failed[0] 'NotAnImage' 'InvalidData' $bad
        $failed[0].Exception.Message | Should -BeLike "*$bad*127.0.0.1*"
    }

    It 'refuses a node without RmbgPS before anything is written, naming the node' {
        $bare = New-TestNodeSession $Sshd -WithoutModule
        $out = Join-Path (New-TestFolder 'bare') 'out'
        try {
            { $Inputs | Remove-ImageBackground -OutputPath $out -Session $Nodes[0], $bare -ErrorAction Stop } |
                Should -Throw -ErrorId 'NodeModuleMissing,RmbgPS.Commands.RemoveImageBackgroundCommand' -ExpectedMessage "*'127.0.0.1 ($($bare.Name))'*Install-PSResource*"
        }
        finally {
            Remove-PSSession $bare
        }
        Test-Path -LiteralPath $out | Should -BeFalse -Because 'nothing is written when a node is refused'
    }

    It 'finishes every input exactly once when a node is killed after the third output' {
        $doomed = New-TestNodeSession $Sshd
        $survivor = New-TestNodeSession $Sshd
        $out = Join-Path (New-TestFolder 'killed') 'out'
        $nodePid = Invoke-Command -Session $doomed { $PID }
        $killer = Start-ThreadJob -ArgumentList $out, $nodePid -ScriptBlock {
            param($Out, $NodePid)
            $deadline = [DateTime]::UtcNow.AddMinutes(5)
            while (@(Get-ChildItem -LiteralPath $Out -Filter *.nobg.png -ErrorAction Ignore).Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            Stop-Process -Id $NodePid -Force
        }
        try {
            $results = @($Inputs | Remove-ImageBackground -OutputPath $out -Session $doomed, $survivor -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable failed)
        }
        finally {
            $null = $killer | Wait-Job -Timeout 60
            $killer | Remove-Job -Force
            Remove-PSSession $doomed, $survivor -ErrorAction Ignore
        }

        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 13
        $results.InputPath | Should -Be $Inputs.FullName
        @($warned | Where-Object { "$_" -like "*'127.0.0.1 ($($doomed.Name))' was lost*" }).Count | Should -Be 1
        Assert-SameAsLocal $out
    }

    It 'stops every node on Ctrl+C, leaving no partial file and the sessions usable' {
        $out = Join-Path (New-TestFolder 'stopped') 'out'
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
                param($Manifest, $Files, $Out, $Sessions)
                Import-Module $Manifest
                $Files | Remove-ImageBackground -OutputPath $Out -Session $Sessions
            }).AddArgument($ManifestPath).AddArgument($Inputs.FullName).AddArgument($out).AddArgument($Nodes)
        try {
            $running = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddMinutes(3)
            while (@(Get-ChildItem -LiteralPath $out -Filter *.nobg.png -ErrorAction Ignore).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop() # what Ctrl+C does
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
            $running.IsCompleted | Should -BeTrue
        }
        finally {
            $shell.Dispose()
        }
        @(Get-ChildItem -LiteralPath $out -Filter *.nobg.png).Count | Should -BeLessThan 13
        Get-TempLeftover $out | Should -BeNullOrEmpty
        foreach ($node in $Nodes) {
            Invoke-Command -Session $node { 'still here' } | Should -Be 'still here'
        }
    }
}
