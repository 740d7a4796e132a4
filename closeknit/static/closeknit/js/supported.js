// Runs first in <body>: lets GOV.UK Frontend's styles for scripted components apply.
document.body.className += " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
