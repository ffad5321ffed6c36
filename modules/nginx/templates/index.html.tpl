<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${server_name}</title>
</head>
<body>
<h1>${server_name}</h1>
<p>This site has no content yet.</p>
</body>
</html>
