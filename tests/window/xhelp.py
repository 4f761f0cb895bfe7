# tests/window/xhelp.py: the X11 pieces of the real-window test that xdotool 3.2016 lacks,
# through libX11 with ctypes (no Python X bindings needed): the window manager's close
# request (a WM_DELETE_WINDOW client message, what a title-bar close button sends), a
# probe of whether another client holds the pointer or keyboard grab, and a reader for
# xwd's window dumps (XWD version 7, ZPixmap, 24/32 bits per pixel).
import ctypes
import ctypes.util
import struct

_CLIENT_MESSAGE = 33
_GRAB_MODE_ASYNC = 1
_GRAB_SUCCESS = 0


class _XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _XClientMessageEvent), ("pad", ctypes.c_long * 24)]


class X:
    """One connection to the X server named by `display`."""

    def __init__(self, display):
        path = ctypes.util.find_library("X11")
        if not path:
            raise OSError("libX11 not found")
        x = ctypes.CDLL(path)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                 ctypes.POINTER(_XEvent)]
        x.XGrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_uint,
                                   ctypes.c_int, ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong,
                                   ctypes.c_ulong]
        x.XGrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                    ctypes.c_int, ctypes.c_ulong]
        x.XUngrabPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XUngrabKeyboard.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.x = x
        self.dpy = x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise OSError("cannot open X display " + display)
        self.root = x.XDefaultRootWindow(self.dpy)

    def close(self):
        self.x.XCloseDisplay(self.dpy)

    def send_wm_delete(self, window):
        """Ask `window` to close, as a window manager does (ICCCM WM_DELETE_WINDOW)."""
        ev = _XEvent()
        ev.xclient.type = _CLIENT_MESSAGE
        ev.xclient.window = window
        ev.xclient.message_type = self.x.XInternAtom(self.dpy, b"WM_PROTOCOLS", 0)
        ev.xclient.format = 32
        ev.xclient.data[0] = self.x.XInternAtom(self.dpy, b"WM_DELETE_WINDOW", 0)
        ev.xclient.data[1] = 0  # CurrentTime
        self.x.XSendEvent(self.dpy, window, 0, 0, ctypes.byref(ev))
        self.x.XSync(self.dpy, 0)

    def pointer_grabbed_elsewhere(self):
        """True when another client holds the pointer grab (our grab attempt fails)."""
        r = self.x.XGrabPointer(self.dpy, self.root, 0, 0, _GRAB_MODE_ASYNC, _GRAB_MODE_ASYNC, 0, 0, 0)
        if r == _GRAB_SUCCESS:
            self.x.XUngrabPointer(self.dpy, 0)
        self.x.XSync(self.dpy, 0)
        return r != _GRAB_SUCCESS

    def keyboard_grabbed_elsewhere(self):
        r = self.x.XGrabKeyboard(self.dpy, self.root, 0, _GRAB_MODE_ASYNC, _GRAB_MODE_ASYNC, 0)
        if r == _GRAB_SUCCESS:
            self.x.XUngrabKeyboard(self.dpy, 0)
        self.x.XSync(self.dpy, 0)
        return r != _GRAB_SUCCESS


class Image:
    """An xwd dump: width, height and pixel(x, y) -> 0xRRGGBB."""

    def __init__(self, data):
        h = struct.unpack(">25I", data[:100])
        (header_size, version, fmt, _depth, self.width, self.height, _xoff, byte_order, _unit,
         _bit_order, _pad, bpp, self.bpl, _vclass, rmask, gmask, bmask, _bits_rgb, _cmap,
         ncolors) = h[:20]
        if version != 7 or fmt != 2 or bpp not in (24, 32):
            raise ValueError("unsupported xwd dump (version %d, format %d, %d bpp)" % (version, fmt, bpp))
        self.bytes_pp = bpp // 8
        self.little = byte_order == 0
        self.masks = (rmask, gmask, bmask)
        self.pixels = data[header_size + ncolors * 12:]
        if len(self.pixels) < self.bpl * self.height:
            raise ValueError("short xwd dump")

    @staticmethod
    def _channel(v, mask):
        shift = (mask & -mask).bit_length() - 1
        return ((v & mask) >> shift) * 255 // (mask >> shift)

    def pixel(self, x, y):
        o = y * self.bpl + x * self.bytes_pp
        b = self.pixels[o:o + self.bytes_pp]
        v = int.from_bytes(b, "little" if self.little else "big")
        r, g, bl = (self._channel(v, m) for m in self.masks)
        return r << 16 | g << 8 | bl

    def bbox(self, pred):
        """The smallest rectangle (x, y, w, h) holding every pixel for which pred(rgb) holds."""
        left, right, ys = self.width, -1, []
        for y in range(self.height):
            first = next((x for x in range(self.width) if pred(self.pixel(x, y))), None)
            if first is None:
                continue
            last = next(x for x in range(self.width - 1, first - 1, -1) if pred(self.pixel(x, y)))
            left, right = min(left, first), max(right, last)
            ys.append(y)
        if not ys:
            return None
        return (left, ys[0], right - left + 1, ys[-1] - ys[0] + 1)
