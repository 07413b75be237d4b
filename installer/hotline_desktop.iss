; Inno Setup script for the Windows installer. Build the PyInstaller folder first:
;   pyinstaller installer\hotline_desktop.spec
;   iscc installer\hotline_desktop.iss
[Setup]
AppName=12345 热线考核管理
AppVersion=0.1.0
AppPublisher=区政府热线办
DefaultDirName={autopf}\hotline_desktop
DefaultGroupName=12345 热线考核管理
OutputBaseFilename=hotline-desktop-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\dist\hotline-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\12345 热线考核管理"; Filename: "{app}\hotline-desktop.exe"
Name: "{autodesktop}\12345 热线考核管理"; Filename: "{app}\hotline-desktop.exe"

[Run]
Filename: "{app}\hotline-desktop.exe"; Description: "启动 12345 热线考核管理"; Flags: nowait postinstall skipifsilent
