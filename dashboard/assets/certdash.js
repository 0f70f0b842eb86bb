/* Client-side helpers registered as Dash clientside callbacks (namespace "certdash"). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  certdash: {
    /* Check an attached file in the browser at once: size and real type (by its first bytes).
       The server checks again on submit; this only spares the user a useless upload. */
    checkUpload: function (contents, filename, messages) {
      var noUpdate = window.dash_clientside.no_update;
      if (!contents) { return ["", noUpdate]; }
      var comma = contents.indexOf(",");
      var b64 = contents.slice(comma + 1);
      var size = Math.floor(b64.length * 3 / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
      if (size === 0) { return [messages.empty, null]; }
      if (size > 10 * 1024 * 1024) { return [messages.too_large, null]; }
      var head = atob(b64.slice(0, 16));
      var bytes = [];
      for (var i = 0; i < head.length; i++) { bytes.push(head.charCodeAt(i)); }
      var startsWith = function (sig) { return sig.every(function (b, k) { return bytes[k] === b; }); };
      var known = startsWith([0xff, 0xd8, 0xff]) || startsWith([0x89, 0x50, 0x4e, 0x47]) ||
        startsWith([0x47, 0x49, 0x46, 0x38]) || startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) ||
        startsWith([0x42, 0x4d]);
      if (!known) { return [messages.bad_type, null]; }
      var kb = Math.max(1, Math.round(size / 1024));
      return ["\u2713 " + filename + " (" + kb + " KB) " + messages.ok, noUpdate];
    }
  }
});
