// Written assignments: a small rich-text editor and draft autosave.
// Progressive enhancement only: without this file the text area and the
// "Save draft" / "Hand in" buttons work as plain form posts, and the server
// turns plain text into paragraphs. Everything typed is sanitised on the
// server; the editor only saves people from writing HTML by hand.
(function () {
  "use strict";

  var AUTOSAVE_DELAY_MS = 2500;
  var LINK_ICON = "link-icon";
  var SVG = "http://www.w3.org/2000/svg";

  function linkIcon() {
    // Two chain links, drawn here so no icon font or file is needed.
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1.2 1.2" +
      "M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1.2-1.2");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    svg.appendChild(path);
    return svg;
  }

  function label(textarea, name, fallback) {
    return textarea.getAttribute("data-label-" + name) || fallback;
  }

  function makeButton(text, ariaLabel, command, value) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "rich-text__button";
    // The glyph is for the eye; the name is read out (and shown on hover).
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    if (text === LINK_ICON) {
      glyph.appendChild(linkIcon());
    } else {
      glyph.textContent = text;
    }
    var name = document.createElement("span");
    name.className = "rich-text__name";
    name.textContent = ariaLabel;
    button.appendChild(glyph);
    button.appendChild(name);
    button.setAttribute("title", ariaLabel);
    button.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the selection in the editor
    });
    button.addEventListener("click", function () {
      button.dispatchEvent(new CustomEvent("rich-text-command", {
        bubbles: true, detail: { command: command, value: value }
      }));
    });
    return button;
  }

  function enhance(textarea) {
    var field = document.createElement("div");
    field.className = "rich-text";

    var toolbar = document.createElement("div");
    toolbar.className = "rich-text__toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", label(textarea, "toolbar", "Formatting"));
    toolbar.setAttribute("aria-controls", textarea.id + "_editor");
    [
      ["B", label(textarea, "bold", "Bold"), "bold"],
      ["I", label(textarea, "italic", "Italic"), "italic"],
      ["H", label(textarea, "heading", "Heading"), "formatBlock", "h3"],
      ["¶", label(textarea, "paragraph", "Paragraph"), "formatBlock", "p"],
      ["•", label(textarea, "bullets", "Bulleted list"), "insertUnorderedList"],
      ["1.", label(textarea, "numbers", "Numbered list"), "insertOrderedList"],
      [LINK_ICON, label(textarea, "link", "Link"), "createLink"]
    ].forEach(function (spec) {
      toolbar.appendChild(makeButton(spec[0], spec[1], spec[2], spec[3]));
    });

    var editor = document.createElement("div");
    editor.className = "rich-text__editor";
    if (textarea.rows && textarea.rows < 12) {
      editor.classList.add("rich-text__editor--small");
    }
    editor.id = textarea.id + "_editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("spellcheck", "true");
    var fieldLabel = document.querySelector('label[for="' + textarea.id + '"]');
    if (fieldLabel) {
      if (!fieldLabel.id) { fieldLabel.id = textarea.id + "_label"; }
      editor.setAttribute("aria-labelledby", fieldLabel.id);
      fieldLabel.addEventListener("click", function (event) {
        event.preventDefault();
        editor.focus();
      });
    }
    var describedBy = textarea.getAttribute("aria-describedby");
    if (describedBy) { editor.setAttribute("aria-describedby", describedBy); }
    // The text area holds HTML the server has already sanitised.
    editor.innerHTML = textarea.value;
    function ensureParagraph() {
      // Typing into an empty editor would leave bare text at the top level;
      // start it with an empty paragraph instead.
      if (!editor.textContent.trim() && !editor.querySelector("li, p, h3")) {
        editor.innerHTML = "<p><br></p>";
        var range = document.createRange();
        range.setStart(editor.firstChild, 0);
        range.collapse(true);
        var selection = window.getSelection();
        if (document.activeElement === editor && selection) {
          selection.removeAllRanges();
          selection.addRange(range);
        }
      }
    }
    editor.addEventListener("focus", function () {
      // New lines become paragraphs, not the <div>s browsers make by default.
      document.execCommand("defaultParagraphSeparator", false, "p");
      ensureParagraph();
    });

    function sync() {
      textarea.value = editor.innerHTML;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    field.addEventListener("rich-text-command", function (event) {
      var command = event.detail.command;
      var value = event.detail.value || null;
      editor.focus();
      if (command === "createLink") {
        value = window.prompt(label(textarea, "link-prompt", "Link address (https://...)"), "https://");
        if (!value) { return; }
      }
      document.execCommand(command, false, value);
      sync();
    });
    editor.addEventListener("input", sync);
    editor.addEventListener("paste", function (event) {
      // Pasted formatting from word processors is mostly noise: paste text.
      var text = (event.clipboardData || window.clipboardData).getData("text/plain");
      event.preventDefault();
      document.execCommand("insertText", false, text);
    });

    field.appendChild(toolbar);
    field.appendChild(editor);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(field, textarea.nextSibling);
  }

  function autosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var status = form.querySelector("[data-autosave-status]");
    var counter = form.querySelector("[data-word-count]");
    var timer = null;
    var dirty = false;
    var saving = false;

    function show(text, isError) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("autosave-status--error", Boolean(isError));
    }

    function save() {
      timer = null;
      if (!dirty || saving) { return; }
      saving = true;
      dirty = false;
      show(form.getAttribute("data-saving-text") || "Saving…");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok && data.ok, data: data };
        });
      }).then(function (result) {
        saving = false;
        if (result.ok) {
          show(result.data.message, false);
          if (counter && result.data.words_text) {
            counter.textContent = result.data.words_text;
            counter.classList.toggle("word-count--over", Boolean(result.data.over_limit));
          }
        } else {
          show(result.data.error || form.getAttribute("data-error-text"), true);
        }
        if (dirty && !timer) { timer = window.setTimeout(save, AUTOSAVE_DELAY_MS); }
      }).catch(function () {
        saving = false;
        dirty = true;
        show(form.getAttribute("data-error-text") || "Not saved.", true);
      });
    }

    form.addEventListener("input", function () {
      dirty = true;
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, AUTOSAVE_DELAY_MS);
    });
    form.addEventListener("submit", function () {
      dirty = false; // the form post itself saves the text
      if (timer) { window.clearTimeout(timer); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty || saving) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(
      document.querySelectorAll("textarea[data-rich-text]"), enhance
    );
    Array.prototype.forEach.call(
      document.querySelectorAll("form[data-autosave-url]"), autosave
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
